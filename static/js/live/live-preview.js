// Formatting shown as it will look: headings larger, bold bold, quotes with a bar, bullets as
// bullets, links as links. The markup characters themselves (#, **, _, >, "- ", "[...](...)")
// are hidden, except on the lines the cursor is on, where they are shown faintly so that a
// person who wants to can still see and change them. Nothing here changes the text.
//
// Only classes are added (styled in static/css/editor.css); no style attributes, which the
// site's Content-Security-Policy refuses.

import { Decoration, ViewPlugin, WidgetType } from "@codemirror/view";
import { syntaxTree } from "@codemirror/language";

class BulletWidget extends WidgetType {
  eq() {
    return true;
  }

  toDOM() {
    const bullet = document.createElement("span");
    bullet.className = "cm-md-bullet";
    bullet.textContent = "•";
    return bullet;
  }
}

const hidden = Decoration.replace({});
const bullet = Decoration.replace({ widget: new BulletWidget() });
const faint = Decoration.mark({ class: "cm-md-mark" });
const marks = {
  StrongEmphasis: Decoration.mark({ class: "cm-md-strong" }),
  Emphasis: Decoration.mark({ class: "cm-md-em" }),
  InlineCode: Decoration.mark({ class: "cm-md-code" }),
  linkText: Decoration.mark({ class: "cm-md-link" }),
  URL: Decoration.mark({ class: "cm-md-url" }),
  number: Decoration.mark({ class: "cm-md-number" }),
};
const lineClasses = {
  ATXHeading1: "cm-md-heading cm-md-h1",
  ATXHeading2: "cm-md-heading cm-md-h2",
  ATXHeading3: "cm-md-heading cm-md-h3",
  ATXHeading4: "cm-md-heading cm-md-h4",
  ATXHeading5: "cm-md-heading cm-md-h4",
  ATXHeading6: "cm-md-heading cm-md-h4",
  SetextHeading1: "cm-md-heading cm-md-h1",
  SetextHeading2: "cm-md-heading cm-md-h2",
  Blockquote: "cm-md-quote",
  ListItem: "cm-md-list-item",
  FencedCode: "cm-md-code-block",
  CodeBlock: "cm-md-code-block",
  HorizontalRule: "cm-md-rule",
};
const lineDecorations = {};
for (const [name, className] of Object.entries(lineClasses)) {
  lineDecorations[name] = Decoration.line({ class: className });
}

// The numbers of the lines any selection touches; none while the editor is not focused, so a
// page that is only being read shows no markup at all.
function activeLines(view) {
  const active = new Set();
  if (!view.hasFocus) return active;
  for (const range of view.state.selection.ranges) {
    const last = view.state.doc.lineAt(range.to).number;
    for (let number = view.state.doc.lineAt(range.from).number; number <= last; number += 1) {
      active.add(number);
    }
  }
  return active;
}

// A block mark (#, >) and the one space after it.
function withSpaceAfter(doc, from, to, lineEnd) {
  return to < lineEnd && doc.sliceString(to, to + 1) === " " ? to + 1 : to;
}

function collect(view) {
  const { state } = view;
  const { doc } = state;
  const active = activeLines(view);
  const isActive = (pos) => active.has(doc.lineAt(pos).number);
  const found = []; // [from, to, decoration]
  const linesDone = new Map(); // line start -> classes already given

  const addLine = (from, to, name) => {
    for (let pos = from; pos <= to; ) {
      const line = doc.lineAt(pos);
      const done = linesDone.get(line.from) || new Set();
      if (!done.has(name)) {
        done.add(name);
        linesDone.set(line.from, done);
        found.push([line.from, line.from, lineDecorations[name]]);
      }
      pos = line.to + 1;
    }
  };
  const hideOrFade = (from, to) => {
    if (to <= from) return;
    found.push([from, to, isActive(from) ? faint : hidden]);
  };

  for (const { from, to } of view.visibleRanges) {
    syntaxTree(state).iterate({
      from,
      to,
      enter: (node) => {
        const name = node.name;
        // A list item's marker line hangs its bullet; the lines after it are indented as typed.
        if (name === "ListItem") addLine(node.from, node.from, name);
        else if (lineDecorations[name]) addLine(node.from, node.to, name);
        if (marks[name] && node.to > node.from) found.push([node.from, node.to, marks[name]]);
        if (name === "FencedCode" || name === "CodeBlock") return false;
        const line = doc.lineAt(node.from);
        switch (name) {
          case "HeaderMark": {
            const parent = node.node.parent;
            if (parent && parent.name.startsWith("Setext")) hideOrFade(node.from, node.to);
            else if (node.from === parent.from) {
              hideOrFade(node.from, withSpaceAfter(doc, node.from, node.to, line.to));
            } else hideOrFade(node.from, node.to); // a closing "##"
            break;
          }
          case "QuoteMark":
            hideOrFade(node.from, withSpaceAfter(doc, node.from, node.to, line.to));
            break;
          case "EmphasisMark":
          case "CodeMark":
            hideOrFade(node.from, node.to);
            break;
          case "Escape":
            hideOrFade(node.from, node.from + 1);
            break;
          case "ListMark": {
            const list = node.node.parent && node.node.parent.parent;
            if (list && list.name === "OrderedList") {
              found.push([node.from, node.to, marks.number]);
            } else if (!isActive(node.from)) {
              found.push([node.from, node.to, bullet]);
            } else found.push([node.from, node.to, faint]);
            break;
          }
          case "Link":
          case "Image": {
            const linkMarks = [];
            for (let child = node.node.firstChild; child; child = child.nextSibling) {
              if (child.name === "LinkMark") linkMarks.push(child);
            }
            if (linkMarks.length >= 2) {
              const open = linkMarks[0];
              const close = linkMarks[1];
              if (close.from > open.to) found.push([open.to, close.from, marks.linkText]);
              hideOrFade(node.from, open.to);
              hideOrFade(close.from, node.to);
            }
            return name === "Link"; // emphasis inside a link's words is still shown
          }
          case "Autolink":
            return true;
          case "LinkMark":
            if (node.node.parent && node.node.parent.name === "Autolink") {
              hideOrFade(node.from, node.to);
            }
            break;
          default:
            break;
        }
        return undefined;
      },
    });
  }
  // Two hidden stretches must not overlap (an escape inside a link's hidden address, say).
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const ranges = [];
  let hiddenTo = -1;
  for (const [from, to, decoration] of found) {
    const replaces = decoration === hidden || decoration === bullet;
    if (replaces && from < hiddenTo) continue;
    if (replaces) hiddenTo = to;
    ranges.push(decoration.range(from, to));
  }
  return Decoration.set(ranges, true);
}

export const livePreview = ViewPlugin.fromClass(
  class {
    constructor(view) {
      this.decorations = collect(view);
    }

    update(update) {
      const treeChanged = syntaxTree(update.startState) !== syntaxTree(update.state);
      if (
        update.docChanged ||
        update.viewportChanged ||
        update.selectionSet ||
        update.focusChanged ||
        treeChanged
      ) {
        this.decorations = collect(update.view);
      }
    }
  },
  { decorations: (plugin) => plugin.decorations }
);
