// What the section form's editor and the live room's editor share: CommonMark as the server
// stores it, the formatting shown as it will look, the toolbar's shortcuts, and the editor's
// look. The live room adds Yjs on top; the section form adds its own undo history.

import { EditorView, drawSelection, highlightSpecialChars, keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";
import { LanguageSupport } from "@codemirror/language";
import { commonmarkLanguage, markdownKeymap } from "@codemirror/lang-markdown";
import { defaultKeymap } from "@codemirror/commands";
import { livePreview } from "./live-preview.js";
import { flowingParagraphs } from "./soft-breaks.js";

// The container draws the border (static/css/editor.css); this only adds what CodeMirror lacks.
const editorTheme = EditorView.theme({
  "&": { fontSize: "1rem", minHeight: "inherit" },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": { fontFamily: "inherit", lineHeight: "1.6", minHeight: "inherit" },
  ".cm-content": { minHeight: "16rem", padding: "0.75rem" },
  ".cm-content[aria-readonly=true]": { backgroundColor: "#f8f9fa" },
});

/**
 * @param {object} options
 * @param {object} options.toolbar from formattingToolbar(), or null (read only)
 * @param {object} options.contentAttributes aria-label and the like for the editable element
 * @param {string} [options.nonce] CSP nonce for CodeMirror's <style> element
 * @param {Array} [options.undoKeymap] the undo keys (Yjs's in the live room, CodeMirror's here)
 */
export function sectionEditorExtensions({ toolbar, contentAttributes, nonce, undoKeymap = [] }) {
  return [
    highlightSpecialChars(),
    drawSelection(),
    keymap.of([...undoKeymap, ...defaultKeymap]),
    // CommonMark, as the server stores it. Not markdown(): that also bundles the HTML, CSS and
    // JavaScript grammars (~150 KiB) to colour embedded HTML, which sections never need.
    new LanguageSupport(commonmarkLanguage),
    Prec.high(keymap.of(markdownKeymap)), // Enter continues a list, Backspace undoes that
    livePreview,
    flowingParagraphs,
    toolbar ? toolbar.extension : [],
    EditorView.lineWrapping,
    EditorView.contentAttributes.of({
      "aria-multiline": "true",
      spellcheck: "true",
      autocapitalize: "sentences",
      ...contentAttributes,
    }),
    editorTheme,
    nonce ? EditorView.cspNonce.of(nonce) : [],
  ];
}
