// The formatted editor on the section form (new and edit section), without the live room.
//
// The form's <textarea> stays in the form, hidden, and is kept equal to the editor's text, so the
// ordinary POST carries it; without JavaScript the textarea is simply what the person types in.
// Each change is also announced to the textarea as an "input" event, so whatever listens to it
// (the page's "how it will print" preview, through htmx) keeps following the typing.

import { EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { history, historyKeymap } from "@codemirror/commands";
import { sectionEditorExtensions } from "./editor-setup.js";
import { formattingToolbar } from "./toolbar.js";

const SCRIPT_NONCE =
  (typeof document !== "undefined" && document.currentScript && document.currentScript.nonce) || "";

const instances = [];

function labelFor(textarea) {
  const label = textarea.labels && textarea.labels[0];
  if (!label) return null;
  if (!label.id) label.id = `${textarea.id}-label`;
  return label;
}

/**
 * @param {object} options
 * @param {HTMLTextAreaElement} options.textarea the form's text box; hidden and kept in step
 * @param {string} [options.nonce] CSP nonce for CodeMirror's <style> element; by default the
 *   nonce of the <script> element that loaded this bundle
 * @param {object} [options.text] replaces some of the toolbar's words
 */
function mount(options) {
  const { textarea } = options;
  if (!textarea) throw new Error("coprodEditor: options.textarea is required");
  const nonce = typeof options.nonce === "string" ? options.nonce : SCRIPT_NONCE;
  const label = labelFor(textarea);

  const toolbar = formattingToolbar({ text: options.text });
  const wrapper = document.createElement("div");
  wrapper.className = "formatted-editor";
  if (textarea.classList.contains("is-invalid")) wrapper.classList.add("is-invalid");
  const box = document.createElement("div");
  box.className = "formatted-editor-text";
  wrapper.append(toolbar.element, box);

  const contentAttributes = { id: `${textarea.id}-editor` };
  if (label) contentAttributes["aria-labelledby"] = label.id;
  else contentAttributes["aria-label"] = "Section text";
  const describedBy = textarea.getAttribute("aria-describedby");
  if (describedBy) contentAttributes["aria-describedby"] = describedBy;
  if (textarea.getAttribute("aria-invalid") === "true") contentAttributes["aria-invalid"] = "true";

  const view = new EditorView({
    parent: box,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        history(),
        sectionEditorExtensions({ toolbar, contentAttributes, nonce, undoKeymap: historyKeymap }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          textarea.value = update.state.doc.toString();
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
        }),
      ],
    }),
  });
  toolbar.attach(view);

  const required = textarea.required;
  textarea.required = false; // a hidden required field would block the submit silently
  textarea.hidden = true;
  textarea.after(wrapper);

  // The label, and the error summary's link to the field, lead to the editor now.
  const focusEditor = (event) => {
    event.preventDefault();
    view.focus();
  };
  if (label) label.addEventListener("click", focusEditor);
  const links = [...document.querySelectorAll(`a[href="#${CSS.escape(textarea.id)}"]`)];
  links.forEach((link) => link.addEventListener("click", focusEditor));

  // A page shown again from the back/forward cache may hold the text box's restored value.
  const onPageShow = (event) => {
    if (event.persisted && textarea.value !== view.state.doc.toString()) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: textarea.value } });
    }
  };
  window.addEventListener("pageshow", onPageShow);

  const instance = {
    view,
    textarea,
    toolbar,
    text: () => view.state.doc.toString(),
    destroy() {
      window.removeEventListener("pageshow", onPageShow);
      if (label) label.removeEventListener("click", focusEditor);
      links.forEach((link) => link.removeEventListener("click", focusEditor));
      textarea.value = view.state.doc.toString();
      view.destroy();
      wrapper.remove();
      textarea.hidden = false;
      textarea.required = required;
      const at = instances.indexOf(instance);
      if (at !== -1) instances.splice(at, 1);
    },
  };
  instances.push(instance);
  return instance;
}

export const coprodEditor = { mount, instances };
