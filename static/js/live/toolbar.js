// The formatting toolbar above the section editor, its keyboard shortcuts and the small panel
// for adding a link. One tab stop: the arrow keys move between the buttons (the WAI-ARIA toolbar
// pattern), Alt+F10 in the text goes to the toolbar and Escape comes back.

import { EditorView, keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";
import {
  activeFormats,
  applyLink,
  linkTarget,
  toggleBold,
  toggleBulletList,
  toggleHeading,
  toggleItalic,
  toggleNumberedList,
  toggleQuote,
} from "./formatting.js";

const APPLE = typeof navigator !== "undefined" && /Mac|iPhone|iPad|iPod/.test(navigator.platform || "");

export const TOOLBAR_TEXT = {
  toolbar: "Formatting",
  heading: "Heading",
  bold: "Bold",
  italic: "Italics",
  bullet: "Bulleted list",
  number: "Numbered list",
  quote: "Quote",
  link: "Link",
  linkTitle: "Add a link",
  linkEditTitle: "Change the link",
  linkText: "Words to show",
  linkUrl: "Web address",
  linkUrlHint: "For example www.mencap.org.uk",
  linkAdd: "Add the link",
  linkSave: "Save the link",
  linkRemove: "Remove the link",
  linkCancel: "Close without changes",
  linkMissing: "Type the web address the link should go to.",
};

// name, what the button shows, CodeMirror key, the key in words (without Ctrl/Cmd), command
const BUTTONS = [
  ["heading", "H", "Mod-Alt-2", "Alt+2", toggleHeading],
  ["bold", "B", "Mod-b", "B", toggleBold],
  ["italic", "I", "Mod-i", "I", toggleItalic],
  ["bullet", "•", "Mod-Shift-8", "Shift+8", toggleBulletList],
  ["number", "1.", "Mod-Shift-7", "Shift+7", toggleNumberedList],
  ["quote", "“", "Mod-Shift-9", "Shift+9", toggleQuote],
  ["link", "Link", "Mod-k", "K", null],
];

function element(tag, attributes = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) node.setAttribute(name, "");
    else if (value !== false && value != null) node.setAttribute(name, String(value));
  }
  if (text) node.textContent = text;
  return node;
}

function keysInWords(keys) {
  return APPLE ? `⌘${keys.replace("Alt+", "⌥").replace("Shift+", "⇧")}` : `Ctrl+${keys}`;
}

function keysForAria(keys) {
  return `${APPLE ? "Meta" : "Control"}+${keys}`;
}

let counter = 0;

/**
 * A toolbar for an editor not made yet: put `extension` in the editor's extensions, then call
 * `attach(view)`. `element` goes above the editor.
 */
export function formattingToolbar({ text: overrides = {} } = {}) {
  const text = { ...TOOLBAR_TEXT, ...overrides };
  counter += 1;
  const id = `coprod-editor-${counter}`;
  let view = null;
  let enabled = true;

  const wrapper = element("div", { class: "editor-toolbar-wrap" });
  const bar = element("div", {
    class: "editor-toolbar",
    role: "toolbar",
    "aria-label": text.toolbar,
    id: `${id}-toolbar`,
  });
  const buttons = {};
  BUTTONS.forEach(([name, glyph, , keys], index) => {
    const button = element("button", {
      type: "button",
      class: `editor-button editor-button-${name}`,
      tabindex: index === 0 ? "0" : "-1",
      title: `${text[name]} (${keysInWords(keys)})`,
      "aria-keyshortcuts": keysForAria(keys),
      "data-format": name,
    });
    if (name !== "link") button.setAttribute("aria-pressed", "false");
    const shown = element("span", { class: "editor-button-glyph", "aria-hidden": "true" }, glyph);
    const label = element("span", { class: name === "link" ? "" : "visually-hidden" }, text[name]);
    if (name === "link") button.append(label);
    else button.append(shown, label);
    buttons[name] = button;
    bar.append(button);
  });

  // --- The link panel ---------------------------------------------------------------------------
  const panel = element("div", {
    class: "editor-link-panel",
    role: "group",
    "aria-labelledby": `${id}-link-title`,
    hidden: true,
  });
  const title = element("p", { class: "editor-link-title", id: `${id}-link-title` }, text.linkTitle);
  const wordsLabel = element("label", { class: "form-label", for: `${id}-link-text` }, text.linkText);
  // No name: these inputs are the editor's, never posted with the form.
  const wordsInput = element("input", { class: "form-control", id: `${id}-link-text`, type: "text" });
  const urlLabel = element("label", { class: "form-label", for: `${id}-link-url` }, text.linkUrl);
  const urlHint = element("p", { class: "form-text mt-0", id: `${id}-link-hint` }, text.linkUrlHint);
  const urlError = element("p", {
    class: "editor-link-error",
    id: `${id}-link-error`,
    hidden: true,
  }, text.linkMissing);
  const urlInput = element("input", {
    class: "form-control",
    id: `${id}-link-url`,
    type: "url",
    inputmode: "url",
    autocomplete: "url",
    spellcheck: "false",
    "aria-describedby": `${id}-link-hint`,
  });
  const actions = element("div", { class: "editor-link-actions" });
  const addButton = element("button", { type: "button", class: "btn btn-primary" }, text.linkAdd);
  const removeButton = element("button", { type: "button", class: "btn btn-outline-danger", hidden: true }, text.linkRemove);
  const cancelButton = element("button", { type: "button", class: "btn btn-link" }, text.linkCancel);
  actions.append(addButton, removeButton, cancelButton);
  panel.append(title, wordsLabel, wordsInput, urlLabel, urlHint, urlError, urlInput, actions);
  wrapper.append(bar, panel);

  function closeLink({ focusEditor = true } = {}) {
    panel.hidden = true;
    urlError.hidden = true;
    urlInput.removeAttribute("aria-invalid");
    urlInput.setAttribute("aria-describedby", `${id}-link-hint`);
    if (focusEditor && view) view.focus();
  }

  function openLink() {
    if (!view || !enabled) return false;
    const target = linkTarget(view.state);
    const editing = Boolean(target.url);
    title.textContent = editing ? text.linkEditTitle : text.linkTitle;
    addButton.textContent = editing ? text.linkSave : text.linkAdd;
    removeButton.hidden = !editing;
    wordsInput.value = target.text;
    urlInput.value = target.url;
    urlError.hidden = true;
    panel.hidden = false;
    (target.text ? urlInput : wordsInput).focus();
    panel.scrollIntoView({ block: "nearest" });
    return true;
  }

  function submitLink() {
    if (!urlInput.value.trim()) {
      urlError.hidden = false;
      urlInput.setAttribute("aria-invalid", "true");
      urlInput.setAttribute("aria-describedby", `${id}-link-error ${id}-link-hint`);
      urlInput.focus();
      return;
    }
    applyLink(view, { text: wordsInput.value, url: urlInput.value });
    closeLink();
  }

  addButton.addEventListener("click", submitLink);
  removeButton.addEventListener("click", () => {
    applyLink(view, { text: "", url: "" });
    closeLink();
  });
  cancelButton.addEventListener("click", () => closeLink());
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      closeLink();
    } else if (event.key === "Enter" && event.target.tagName === "INPUT") {
      // Enter here would otherwise submit the page's form.
      event.preventDefault();
      submitLink();
    }
  });

  // --- The buttons ------------------------------------------------------------------------------
  function run(name) {
    if (!view || !enabled || view.state.readOnly) return;
    if (name === "link") {
      openLink();
      return;
    }
    const command = BUTTONS.find(([buttonName]) => buttonName === name)[4];
    command(view);
    view.focus();
  }

  // A press keeps the cursor and selection in the text instead of moving the focus to the button.
  bar.addEventListener("mousedown", (event) => {
    if (event.target.closest("button")) event.preventDefault();
  });
  bar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-format]");
    if (button) run(button.dataset.format);
  });
  bar.addEventListener("keydown", (event) => {
    const list = Object.values(buttons);
    const at = list.indexOf(document.activeElement);
    if (at === -1) return;
    let next = null;
    if (event.key === "ArrowRight") next = (at + 1) % list.length;
    else if (event.key === "ArrowLeft") next = (at - 1 + list.length) % list.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = list.length - 1;
    else if (event.key === "Escape" && view) {
      event.preventDefault();
      view.focus();
      return;
    }
    if (next === null) return;
    event.preventDefault();
    list.forEach((button, index) => button.setAttribute("tabindex", index === next ? "0" : "-1"));
    list[next].focus();
  });

  function focusToolbar() {
    const current = bar.querySelector('button[tabindex="0"]') || buttons.heading;
    current.focus();
    return true;
  }

  function refresh(state) {
    const active = activeFormats(state);
    for (const [name, button] of Object.entries(buttons)) {
      if (name === "link") button.classList.toggle("is-active", active.link);
      else button.setAttribute("aria-pressed", active[name] ? "true" : "false");
    }
  }

  const shortcuts = BUTTONS.map(([name, , key, , command]) => ({
    key,
    run: (editor) => {
      if (!enabled || editor.state.readOnly) return false;
      return command ? command(editor) : openLink();
    },
    preventDefault: true,
  }));
  shortcuts.push({ key: "Alt-F10", run: focusToolbar, preventDefault: true });

  // The toolbar at the top and the action bar at the foot stay on the screen: the line being
  // typed on is kept clear of both.
  const margins = () => {
    const actions = document.querySelector(".editor-actions");
    return { top: wrapper.offsetHeight + 8, bottom: (actions ? actions.offsetHeight : 0) + 8 };
  };

  const extension = [
    Prec.high(keymap.of(shortcuts)),
    EditorView.scrollMargins.of(margins),
    EditorView.updateListener.of((update) => {
      if (update.selectionSet || update.docChanged || update.focusChanged) refresh(update.state);
    }),
  ];

  return {
    element: wrapper,
    extension,
    attach(editorView) {
      view = editorView;
      bar.setAttribute("aria-controls", view.contentDOM.id || "");
      refresh(view.state);
    },
    setEnabled(yes) {
      enabled = yes;
      wrapper.hidden = !yes;
      if (!yes) closeLink({ focusEditor: false });
    },
    openLink,
    focus: focusToolbar,
  };
}
