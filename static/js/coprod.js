// Small touches on top of pages that already work without JavaScript.
document.addEventListener("htmx:afterSwap", (event) => {
  // After a move, keep keyboard focus on the moved item's matching button.
  const moved = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!moved) return;
  const button = moved.querySelector("button[data-move]");
  if (!button) return;
  const again = document.querySelector(
    `button[data-move="${button.dataset.move}"][data-item="${button.dataset.item}"]:not([disabled])`
  ) || document.querySelector(`button[data-item="${button.dataset.item}"]:not([disabled])`);
  if (again) again.focus();
});
