// Small touches on top of pages that already work without JavaScript.

// The GOV.UK pattern: after a redirect, the page's message (or a form's error summary, which comes
// first in the page) takes the keyboard focus, so a screen reader reads it and Tab goes on from it.
function focusOnLoad() {
  const target = document.querySelector(".error-summary[data-focus-on-load]") ||
    document.querySelector("[data-focus-on-load]");
  if (!target) return;
  target.focus();
  // A page reached at a fragment (a saved section: /modules/5/#section-20) has the browser move
  // the focus to that fragment once it has scrolled there, after this ran: take it back then.
  if (window.location.hash) {
    window.addEventListener("load", () => setTimeout(() => target.focus(), 0), { once: true });
  }
}

// The header's menu: a disclosure that opens by itself without JavaScript. A browser that cannot
// show a closed disclosure's content (coprod.css, ::details-content) gets it opened here on a
// wide screen, where the links belong in a row.
function headerMenu() {
  const menu = document.querySelector("[data-site-menu]");
  if (!menu) return;
  const wide = window.matchMedia("(min-width: 768px)");
  // Open over the page on a narrow screen, the menu closes with Escape, or when the keyboard
  // focus moves on past it, so it never hides what the person has moved on to.
  const summary = menu.querySelector("summary");
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      summary.focus();
    }
  });
  menu.addEventListener("focusout", (event) => {
    if (menu.open && !wide.matches && event.relatedTarget && !menu.contains(event.relatedTarget)) {
      menu.open = false;
    }
  });
  if (window.CSS && CSS.supports("selector(::details-content)")) return;
  const follow = () => {
    menu.open = wide.matches;
    menu.toggleAttribute("data-wide", wide.matches);
  };
  follow();
  wide.addEventListener("change", follow);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => { focusOnLoad(); headerMenu(); });
} else {
  focusOnLoad();
  headerMenu();
}

// htmx swaps keep the keyboard focus where the person was: just before a swap, remember what had
// the focus; if the swap replaced it, focus its counterpart in the new content (the same id, or
// the same name and value, or for a move the same item's button).
let focusedBeforeSwap = null;

document.addEventListener("htmx:beforeSwap", () => {
  focusedBeforeSwap = document.activeElement;
});

function counterpartOf(old) {
  if (old.id) {
    const same = document.getElementById(old.id);
    if (same) return same;
  }
  if (old.dataset && old.dataset.move && old.dataset.item) {
    return document.querySelector(
      `button[data-move="${CSS.escape(old.dataset.move)}"][data-item="${CSS.escape(old.dataset.item)}"]:not([disabled])`
    ) || document.querySelector(`button[data-item="${CSS.escape(old.dataset.item)}"]:not([disabled])`);
  }
  const name = old.getAttribute && old.getAttribute("name");
  if (name) {
    const candidates = document.querySelectorAll(`[name="${CSS.escape(name)}"]`);
    const value = old.getAttribute("value");
    return Array.from(candidates).find((el) => el.getAttribute("value") === value) || candidates[0] || null;
  }
  return null;
}

document.addEventListener("htmx:afterSwap", () => {
  const old = focusedBeforeSwap;
  focusedBeforeSwap = null;
  if (!old || old === document.body || document.contains(old)) return;
  const again = counterpartOf(old);
  if (!again || typeof again.focus !== "function") return;
  // A control inside a menu that the new content brought back closed: open it again, as it was.
  const menu = again.closest("details:not([open])");
  if (menu) menu.open = true;
  again.focus();
});

// "Print this sheet" buttons: without JavaScript the browser's own Print does the same.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
