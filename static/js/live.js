// Mounts the shared editor on the live section page.
document.addEventListener("DOMContentLoaded", () => {
  const container = document.getElementById("live-editor");
  if (!container || !window.coprodLive) return;
  const perspective = container.dataset.userPerspective;
  const colour = perspective === "family_carer" ? "#5b21b6" : "#0f766e";
  window.coprodLive.mount({
    container,
    wsUrl: container.dataset.wsUrl,
    readOnly: container.dataset.readOnly === "true",
    user: { name: container.dataset.userName, colour, perspective },
    statusElement: document.getElementById("live-status"),
  });
});
