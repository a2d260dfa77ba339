// Mounts the shared editor: on the live section page (window.coprodLive) and on the section
// form (window.coprodEditor, around the form's own text box, which it keeps in step).
//
// For someone who may write, the page also has a plain form (#live-plain-form) that posts the
// text to the section's edit page. It is what works without JavaScript; with it, the form's
// textarea is hidden while the live editor runs and comes back, holding the latest text, if the
// live room goes away for good (for instance after a change that would make the section too long).
document.addEventListener("DOMContentLoaded", () => {
  const sectionBox = document.querySelector("[data-section-editor] textarea");
  if (sectionBox && window.coprodEditor) window.coprodEditor.mount({ textarea: sectionBox });

  const container = document.getElementById("live-editor");
  if (!container || !window.coprodLive) return;
  const perspective = container.dataset.userPerspective;
  const colour = perspective === "family_carer" ? "#5b21b6" : "#0f766e";
  const form = document.getElementById("live-plain-form");
  const textarea = form ? form.querySelector("textarea[name=body]") : null;
  const version = form ? form.querySelector("input[name=based_on_version]") : null;
  // The story's consent asks to keep some names out: say so beside the editor after each save.
  const namesWarning = document.getElementById("live-names-kept-out");
  function showNamesKeptOut(names) {
    if (!namesWarning) return;
    const quoted = names.map((name) => `“${name}”`).join(", ");
    namesWarning.textContent = namesWarning.dataset.message.replace("%(names)s", quoted);
    namesWarning.hidden = names.length === 0;
  }
  window.coprodLive.mount({
    container,
    textarea,
    plainOnly: form ? [...form.querySelectorAll("[data-live-plain-only]")] : [],
    wsUrl: container.dataset.wsUrl,
    readOnly: container.dataset.readOnly === "true",
    user: { name: container.dataset.userName, colour, perspective },
    statusElement: document.getElementById("live-status"),
    // A save in the form is checked against the version it started from: keep it the latest.
    onServerEvent: (event) => {
      if (event.event !== "saved") return;
      if (version && Number.isInteger(event.version)) version.value = String(event.version);
      if (Array.isArray(event.names_kept_out)) showNamesKeptOut(event.names_kept_out);
    },
  });
});
