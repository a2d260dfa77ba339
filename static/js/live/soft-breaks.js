// A paragraph reads as one paragraph: the single line breaks inside it (which CommonMark prints
// as spaces, and which older texts have every 80 or so characters) are shown as spaces, so the
// text flows to the width of the screen instead of breaking raggedly. Enter starts a new
// paragraph (an empty line in the text), as in a word processor. Only the display changes: the
// line breaks stay in the text, with their authors.
//
// Line breaks can only be hidden by decorations given straight to the editor, not by a plugin,
// hence a state field.

import { EditorSelection, Prec, StateField } from "@codemirror/state";
import { Decoration, EditorView, WidgetType, keymap } from "@codemirror/view";
import { syntaxTree } from "@codemirror/language";

class SpaceWidget extends WidgetType {
  eq() {
    return true;
  }

  toDOM() {
    const space = document.createElement("span");
    space.className = "cm-md-soft-break";
    space.textContent = " ";
    return space;
  }
}

const join = Decoration.replace({ widget: new SpaceWidget() });
// Two spaces or a backslash at the end of a line: a line break the person asked for.
const HARD_BREAK = /( {2,}|\\)$/;
// Blocks whose line breaks mean something: quotes keep their ">" on every line, code its lines.
const KEEP_LINES = ["Blockquote", "FencedCode", "CodeBlock", "HTMLBlock", "Table"];

function joinsIn(state, node, ranges) {
  const { doc } = state;
  const first = doc.lineAt(node.from).number;
  const last = doc.lineAt(node.to).number;
  for (let number = first; number < last; number += 1) {
    const line = doc.line(number);
    if (HARD_BREAK.test(line.text)) continue;
    const next = doc.line(number + 1);
    let from = line.to;
    while (from > line.from && doc.sliceString(from - 1, from) === " ") from -= 1;
    let to = next.from;
    while (to < next.to && /[ \t]/.test(doc.sliceString(to, to + 1))) to += 1;
    ranges.push(join.range(from, to));
  }
}

function softBreaks(state) {
  const ranges = [];
  syntaxTree(state).iterate({
    enter: (node) => {
      if (KEEP_LINES.includes(node.name)) return false;
      if (node.name === "Paragraph") {
        joinsIn(state, node, ranges);
        return false;
      }
      return undefined;
    },
  });
  return Decoration.set(ranges, true);
}

const softBreakField = StateField.define({
  create: softBreaks,
  update(value, transaction) {
    if (transaction.docChanged || syntaxTree(transaction.startState) !== syntaxTree(transaction.state)) {
      return softBreaks(transaction.state);
    }
    return value;
  },
  provide: (field) => [
    EditorView.decorations.from(field),
    EditorView.atomicRanges.of((view) => view.state.field(field)),
  ],
});

function inParagraph(state, pos) {
  for (let node = syntaxTree(state).resolveInner(pos, -1); node; node = node.parent) {
    if (node.name === "Paragraph") return node.parent && node.parent.name === "Document";
    if (KEEP_LINES.includes(node.name) || node.name === "ListItem") return false;
  }
  return false;
}

// Enter inside a paragraph: a new paragraph. In a list, a quote or an empty line, the markdown
// keys (a new list item, and so on) answer instead.
function newParagraph(view) {
  const { state } = view;
  if (state.readOnly || !state.selection.ranges.every((range) => inParagraph(state, range.head))) {
    return false;
  }
  view.dispatch(
    state.update(
      state.changeByRange((range) => ({
        changes: { from: range.from, to: range.to, insert: "\n\n" },
        range: EditorSelection.cursor(range.from + 2),
      })),
      { scrollIntoView: true, userEvent: "input" }
    )
  );
  return true;
}

export const flowingParagraphs = [softBreakField, Prec.highest(keymap.of([{ key: "Enter", run: newParagraph }]))];
