// Formatting commands for the section editor: each one adds or takes away CommonMark characters in
// the same document, so the stored text stays plain CommonMark and the live room's shared text,
// its update log and the word attribution see an ordinary edit. Whole words are never retyped:
// bold wraps a word in "**", it does not replace it, so the word keeps its author.

import { EditorSelection } from "@codemirror/state";
import { syntaxTree } from "@codemirror/language";

// What may open a line before its text: quote marks, then one heading or list marker.
const LINE_PREFIX = /^((?:[ \t]{0,3}>[ \t]?)*)([ \t]*)(#{1,6}(?:[ \t]+|$)|[-*+][ \t]+|\d{1,9}[.)][ \t]+)?/;
const HEADING = /^#{1,6}/;
const BULLET = /^[-*+][ \t]/;
const NUMBER = /^\d{1,9}[.)]/;
// Punctuation that stays outside the stars when a word is made bold ("best." -> "**best**.").
const LEADING_PUNCTUATION = /^[("'“‘[]+/;
const TRAILING_PUNCTUATION = /[.,;:!?)"'”’\]]+$/;

export const HEADING_MARK = "## ";

function lineParts(text) {
  const match = LINE_PREFIX.exec(text);
  const quote = match[1];
  const indent = match[2];
  const marker = match[3] || "";
  return { quote, indent, marker, contentStart: quote.length + indent.length + marker.length };
}

function markerKind(marker) {
  if (!marker) return "";
  if (HEADING.test(marker)) return "heading";
  if (BULLET.test(marker)) return "bullet";
  if (NUMBER.test(marker)) return "number";
  return "";
}

// --- Where the cursor is -----------------------------------------------------------------------

function ancestorNamed(state, pos, names, side = 1) {
  for (let node = syntaxTree(state).resolveInner(pos, side); node; node = node.parent) {
    if (names.includes(node.name)) return node;
  }
  return null;
}

// The inline node (StrongEmphasis, Emphasis, Link) the range is inside, if any.
function inlineAround(state, range, name) {
  const start = ancestorNamed(state, range.from, [name], 1);
  if (start && start.to >= range.to) return start;
  const end = ancestorNamed(state, range.from, [name], -1);
  if (end && end.to >= range.to) return end;
  return null;
}

/** Which formatting the main cursor is in, for the toolbar's pressed buttons. */
export function activeFormats(state) {
  const range = state.selection.main;
  const line = state.doc.lineAt(range.head);
  const kind = markerKind(lineParts(line.text).marker);
  const quoted = Boolean(ancestorNamed(state, line.from, ["Blockquote"], 1))
    || lineParts(line.text).quote.length > 0;
  return {
    bold: Boolean(inlineAround(state, range, "StrongEmphasis")),
    italic: Boolean(inlineAround(state, range, "Emphasis")),
    link: Boolean(inlineAround(state, range, "Link")),
    heading: kind === "heading",
    bullet: kind === "bullet",
    number: kind === "number",
    quote: quoted,
  };
}

// --- Bold and italics --------------------------------------------------------------------------

// The word the cursor is in or touching, without the punctuation around it.
function wordAround(doc, pos) {
  const line = doc.lineAt(pos);
  const text = line.text;
  let start = pos - line.from;
  let end = start;
  while (start > 0 && !/\s/.test(text[start - 1])) start -= 1;
  while (end < text.length && !/\s/.test(text[end])) end += 1;
  const word = text.slice(start, end);
  const lead = (LEADING_PUNCTUATION.exec(word) || [""])[0].length;
  const trail = (TRAILING_PUNCTUATION.exec(word.slice(lead)) || [""])[0].length;
  if (end - trail <= start + lead) return null;
  return { from: line.from + start + lead, to: line.from + end - trail };
}

// The parts of [from, to] on each line, without the spaces at their ends and the line's heading,
// list or quote marker: emphasis cannot cross a paragraph, and "** word**" is not bold.
function inlineSegments(doc, from, to) {
  const segments = [];
  for (let number = doc.lineAt(from).number; number <= doc.lineAt(to).number; number += 1) {
    const line = doc.line(number);
    let start = Math.max(from, line.from + lineParts(line.text).contentStart);
    let end = Math.min(to, line.to);
    while (start < end && /\s/.test(doc.sliceString(start, start + 1))) start += 1;
    while (end > start && /\s/.test(doc.sliceString(end - 1, end))) end -= 1;
    if (end > start) segments.push({ from: start, to: end });
  }
  return segments;
}

// "_" does not work inside a word in CommonMark ("un_kind_ly"); "*" does.
function italicMark(doc, from, to) {
  const before = from > 0 ? doc.sliceString(from - 1, from) : "";
  const after = doc.sliceString(to, to + 1);
  return /\w/.test(before) || /\w/.test(after) ? "*" : "_";
}

function unwrap(node) {
  const marks = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name === "EmphasisMark") marks.push(child);
  }
  const open = marks[0];
  const close = marks[marks.length - 1];
  return [
    { from: open.from, to: open.to },
    { from: close.from, to: close.to },
  ];
}

function toggleInline(view, nodeName, markFor) {
  const { state } = view;
  const transaction = state.changeByRange((range) => {
    const found = inlineAround(state, range, nodeName);
    if (found) {
      const changes = state.changes(unwrap(found));
      return { changes, range: EditorSelection.range(changes.mapPos(range.anchor, 1), changes.mapPos(range.head, 1)) };
    }
    let { from, to } = range;
    if (from === to) {
      const word = wordAround(state.doc, from);
      if (!word) {
        // Nothing to wrap: the marks go in with the cursor between them, ready for typing.
        const mark = markFor(state.doc, from, to);
        return {
          changes: { from, insert: mark + mark },
          range: EditorSelection.cursor(from + mark.length),
        };
      }
      ({ from, to } = word);
    }
    const segments = inlineSegments(state.doc, from, to);
    if (segments.length === 0) return { range };
    const inserts = [];
    for (const segment of segments) {
      const mark = markFor(state.doc, segment.from, segment.to);
      inserts.push({ from: segment.from, insert: mark }, { from: segment.to, insert: mark });
    }
    const changes = state.changes(inserts);
    if (range.empty) return { changes, range: EditorSelection.cursor(changes.mapPos(range.head, 1)) };
    return {
      changes,
      range: EditorSelection.range(
        changes.mapPos(segments[0].from, 1),
        changes.mapPos(segments[segments.length - 1].to, -1)
      ),
    };
  });
  view.dispatch(state.update(transaction, { scrollIntoView: true, userEvent: "input.format" }));
  return true;
}

export const toggleBold = (view) => toggleInline(view, "StrongEmphasis", () => "**");
export const toggleItalic = (view) => toggleInline(view, "Emphasis", italicMark);

// --- Headings, lists and quotes ----------------------------------------------------------------

function selectedLines(state) {
  const numbers = new Set();
  for (const range of state.selection.ranges) {
    const last = state.doc.lineAt(range.to);
    // A selection that ends at the start of a line does not take that line in.
    const end = range.to > range.from && range.to === last.from ? last.number - 1 : last.number;
    for (let number = state.doc.lineAt(range.from).number; number <= end; number += 1) {
      numbers.add(number);
    }
  }
  return [...numbers].sort((a, b) => a - b).map((number) => state.doc.line(number));
}

function isBlank(line) {
  return line.text.trim() === "";
}

// A list or quote takes the next line in when it has text ("lazy continuation"), and a list item
// turned back into text would join the item above it: an empty line between keeps them apart.
function separatingChanges(state, first, last, { before, after }) {
  const changes = [];
  if (after && last.number < state.doc.lines) {
    const next = state.doc.line(last.number + 1);
    if (!isBlank(next) && !after(next)) changes.push({ from: last.to, insert: "\n" });
  }
  if (before && first.number > 1) {
    const previous = state.doc.line(first.number - 1);
    if (!isBlank(previous) && before(previous)) changes.push({ from: first.from, insert: "\n" });
  }
  return changes;
}

function kindOf(line) {
  return markerKind(lineParts(line.text).marker);
}

// A cursor where a marker goes in ends up after it, ready to type; a cursor at the end of the
// last line stays before the empty line put after it.
function dispatchLines(view, markerChanges, separators) {
  const { state } = view;
  const markers = state.changes(markerChanges);
  const apart = state.changes(separators).map(markers);
  view.dispatch({
    changes: markers.compose(apart),
    selection: state.selection.map(markers, 1).map(apart, -1),
    scrollIntoView: true,
    userEvent: "input.format",
  });
  return true;
}

// Heading, bulleted or numbered: the one marker a line may have after its quote marks.
function toggleMarker(view, kind, markerFor) {
  const { state } = view;
  const lines = selectedLines(state);
  const withText = lines.filter((line) => !isBlank(line));
  const targets = withText.length > 0 ? withText : lines;
  const turnOff = targets.every((line) => kindOf(line) === kind);
  const changes = [];
  targets.forEach((line, index) => {
    const parts = lineParts(line.text);
    const from = line.from + parts.quote.length + parts.indent.length;
    const to = from + parts.marker.length;
    const insert = turnOff ? "" : markerFor(index);
    if (state.doc.sliceString(from, to) !== insert) changes.push({ from, to, insert });
  });
  const first = targets[0];
  const last = targets[targets.length - 1];
  const inList = (line) => ["bullet", "number"].includes(kindOf(line));
  const sameKind = (line) => kindOf(line) === kind;
  const separators =
    kind === "heading"
      ? []
      : separatingChanges(state, first, last, turnOff ? { before: inList } : { after: sameKind });
  return dispatchLines(view, changes, separators);
}

export const toggleHeading = (view) => toggleMarker(view, "heading", () => HEADING_MARK);
export const toggleBulletList = (view) => toggleMarker(view, "bullet", () => "- ");
export const toggleNumberedList = (view) => toggleMarker(view, "number", (index) => `${index + 1}. `);

// The lines of the quote the cursor is in: a quote is taken away whole, as it was put in.
function quoteLines(state) {
  const range = state.selection.main;
  if (state.selection.ranges.length > 1 || !range.empty) return null;
  const quote = ancestorNamed(state, state.doc.lineAt(range.head).from, ["Blockquote"], 1)
    || ancestorNamed(state, range.head, ["Blockquote"], -1);
  if (!quote) return null;
  const lines = [];
  const last = state.doc.lineAt(quote.to).number;
  for (let number = state.doc.lineAt(quote.from).number; number <= last; number += 1) {
    lines.push(state.doc.line(number));
  }
  return lines;
}

export function toggleQuote(view) {
  const { state } = view;
  const lines = quoteLines(state) || selectedLines(state);
  const quoted = (line) => lineParts(line.text).quote.length > 0;
  const turnOff = lines.filter((line) => !isBlank(line)).every(quoted) && lines.some(quoted);
  const changes = [];
  for (const line of lines) {
    if (turnOff) {
      const match = /^[ \t]{0,3}>[ \t]?/.exec(line.text);
      if (match) changes.push({ from: line.from, to: line.from + match[0].length });
    } else if (!quoted(line)) {
      changes.push({ from: line.from, insert: isBlank(line) ? ">" : "> " });
    }
  }
  const first = lines[0];
  const last = lines[lines.length - 1];
  const separators = separatingChanges(
    state,
    first,
    last,
    turnOff ? { before: quoted } : { after: quoted }
  );
  return dispatchLines(view, changes, separators);
}

// --- Links -------------------------------------------------------------------------------------

/** The link the main selection is in: {from, to, text, url}, or null. */
export function linkAt(state) {
  const node = inlineAround(state, state.selection.main, "Link");
  if (!node) return null;
  const marks = [];
  let urlNode = null;
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name === "LinkMark") marks.push(child);
    if (child.name === "URL") urlNode = child;
  }
  if (marks.length < 2 || !urlNode) return null;
  return {
    from: node.from,
    to: node.to,
    text: state.doc.sliceString(marks[0].to, marks[1].from),
    url: state.doc.sliceString(urlNode.from, urlNode.to).replace(/^<|>$/g, ""),
    urlFrom: urlNode.from,
    urlTo: urlNode.to,
  };
}

/** Where a link goes: the link the selection is in, the selected words or the word at the cursor
 * ({from, to, text, url}; from === to when there is nothing to turn into a link). */
export function linkTarget(state) {
  const existing = linkAt(state);
  if (existing) return existing;
  const range = state.selection.main;
  const word = range.empty ? wordAround(state.doc, range.head) : null;
  const { from, to } = word || range;
  return { from, to, text: state.doc.sliceString(from, to).trim(), url: "" };
}

/** "www.mencap.org.uk" -> "https://www.mencap.org.uk"; spaces and brackets made safe. */
export function normaliseUrl(typed) {
  let url = typed.trim();
  if (!url) return "";
  if (/^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(url)) url = `mailto:${url}`;
  else if (!/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith("/") && !url.startsWith("#")) {
    url = `https://${url}`;
  }
  return url.replace(/ /g, "%20").replace(/\(/g, "%28").replace(/\)/g, "%29").replace(/</g, "%3C").replace(/>/g, "%3E");
}

function escapeLinkText(text) {
  return text.replace(/\\/g, "\\\\").replace(/\[/g, "\\[").replace(/\]/g, "\\]").replace(/\n+/g, " ");
}

/** Puts in, or changes, the link at the selection; an empty `url` takes the link away and keeps
 * its words. Worked out again from the selection, which follows other people's edits meanwhile. */
export function applyLink(view, { text, url }) {
  const { state } = view;
  const target = linkTarget(state);
  const href = normaliseUrl(url);
  const words = (text || "").trim() || target.text || href;
  let insert;
  if (!href) insert = target.text;
  else if (target.url && words === target.text) {
    // Only the address changes: the words stay as they are, with their author.
    view.dispatch(
      state.update({
        changes: { from: target.urlFrom, to: target.urlTo, insert: href },
        scrollIntoView: true,
        userEvent: "input.format",
      })
    );
    return true;
  }
  else if (words === target.text && target.url === "" && target.to > target.from) {
    // The words are already there: put the link around them, so they keep their author.
    view.dispatch(
      state.update({
        changes: [
          { from: target.from, insert: "[" },
          { from: target.to, insert: `](${href})` },
        ],
        selection: EditorSelection.cursor(target.to + href.length + 4),
        scrollIntoView: true,
        userEvent: "input.format",
      })
    );
    return true;
  } else insert = `[${escapeLinkText(words)}](${href})`;
  view.dispatch(
    state.update({
      changes: { from: target.from, to: target.to, insert },
      selection: EditorSelection.cursor(target.from + insert.length),
      scrollIntoView: true,
      userEvent: "input.format",
    })
  );
  return true;
}
