// Live co-editing of one section's markdown: Yjs + CodeMirror 6 over the standard y-websocket
// protocol. This is the source; the page loads the bundle that `npm run build:live` makes from it
// (static/vendor/live/live-editor.js). See static/vendor/README.md.
//
// The editor itself (formatting shown as it will look, the toolbar and its shortcuts) is shared
// with the section form: editor-setup.js, live-preview.js, toolbar.js and formatting.js. The same
// bundle gives the section form its editor as window.coprodEditor (section-editor.js).
//
// The page keeps working without JavaScript: its plain <textarea> posts the text as usual. Once
// the live room has sent its state, the textarea is hidden and kept equal to the shared text, so
// a normal form submit still carries what everyone wrote. Until then, and whenever the live room
// goes away for good, the textarea is what the person sees, so nothing they type is ever lost.
//
// Besides the y-websocket messages, the server sends messages of its own (type STATUS_MESSAGE: a
// lib0 varuint length and a UTF-8 JSON payload) to say what it did: {"event": "saved"},
// {"event": "read_only"} and {"event": "too_long", "limit": N}. The status line says them in
// plain words.
//
// The page's Content-Security-Policy allows no inline styles: CodeMirror's own <style> element
// carries the page's nonce (the nonce of the <script> that loads this bundle), and other people's
// cursors are coloured with classes (see remoteCursors below), never with style attributes.

import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import { WebsocketProvider } from "y-websocket";
import { removeAwarenessStates } from "y-protocols/awareness";
import { yCollab, yRemoteSelectionsTheme, yUndoManagerKeymap } from "y-codemirror.next";
import { Annotation, Compartment, EditorState } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, WidgetType } from "@codemirror/view";
import { sectionEditorExtensions } from "./editor-setup.js";
import { formattingToolbar } from "./toolbar.js";
import { coprodEditor } from "./section-editor.js";

// The server reads and writes exactly this shared type.
const TEXT_NAME = "body";

// Close code the server uses when this person may not join the room.
const CLOSE_NOT_ALLOWED = 4403;
// Close code after {"event": "too_long"}: the change was refused; trying again won't help.
const CLOSE_TOO_LONG = 4413;
// Close code when the server asks for fewer messages: y-websocket reconnects by itself.
const CLOSE_TRY_AGAIN_LATER = 1013;
// Message types below 100 are y-websocket's; this one carries the server's status messages.
const STATUS_MESSAGE = 100;

const RESYNC_MS = 10000;
// How often "Saved N minutes ago" is brought up to date.
const SAVED_TICK_MS = 30000;

const MESSAGES = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting… your typing is kept and will be sent when the connection is back",
  offline: "Offline",
  refused: "You can't join this live session",
  ended: "This live session has ended.",
  endedKeptInBox: "This live session has ended. Your text is in the box below: save it as usual.",
  keptPlain:
    "Live editing is off on this page so that your changes in the box are kept. Save them as usual.",
  // After a save; {minutes} is a whole number of minutes.
  savedJustNow: "Connected · Saved a moment ago",
  savedOneMinute: "Connected · Saved 1 minute ago",
  savedMinutes: "Connected · Saved {minutes} minutes ago",
  // Connected again after a drop during which this person typed.
  keptOffline: "Connected again. What you typed while offline was kept.",
  readOnly: "You can now only read this section.",
  // {limit} is the section's length limit, with thousands separators.
  tooLong:
    "That change would make the section longer than {limit} characters, so it was not saved. " +
    "Your text is in the box below: shorten it, then save.",
  tooLongNoBox:
    "That change would make the section longer than {limit} characters, so it was not saved.",
};

const CONTENT_LABEL = "Section text, shared live";
const DEFAULT_COLOUR = "#0b6e4f";
const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
const HEX_COLOUR_LIGHT = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;

// Perspective keys as the server names them, in the words a cursor label shows.
const PERSPECTIVE_WORDS = { family_carer: "family carer", professional: "professional" };

// Other people's cursors and selections get one of these classes, by their perspective; the
// colours are in static/css/coprod.css, beside the perspective badges.
const PEER_CLASSES = { family_carer: "cm-peer-family_carer", professional: "cm-peer-professional" };
const OTHER_PEER_CLASS = "cm-peer-other";

// The Content-Security-Policy nonce of the <script> element that loaded this bundle, for the
// <style> element CodeMirror writes. Only readable while the bundle itself first runs.
const SCRIPT_NONCE =
  (typeof document !== "undefined" && document.currentScript && document.currentScript.nonce) || "";

const instances = [];

function perspectiveWords(perspective) {
  if (!perspective) return "";
  return PERSPECTIVE_WORDS[perspective] || String(perspective).replace(/_/g, " ");
}

// "600000" -> "600,000"; a limit that is not a number is shown as it came.
function thousands(limit) {
  const number = Number(limit);
  return Number.isFinite(number) ? number.toLocaleString("en-GB") : String(limit);
}

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

function safeColour(colour) {
  return typeof colour === "string" && HEX_COLOUR.test(colour) ? colour : DEFAULT_COLOUR;
}

// y-websocket appends "/" + roomname to the server URL, so the room is the last path segment.
function splitRoomUrl(wsUrl) {
  const url = new URL(wsUrl);
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new Error(`coprodLive: wsUrl must start with ws:// or wss://, not ${url.protocol}`);
  }
  const path = url.pathname.replace(/\/+$/, "");
  const cut = path.lastIndexOf("/");
  const roomname = path.slice(cut + 1);
  if (!roomname) throw new Error(`coprodLive: wsUrl has no room in its path: ${wsUrl}`);
  const params = {};
  url.searchParams.forEach((value, key) => {
    params[key] = value;
  });
  return { serverUrl: `${url.protocol}//${url.host}${path.slice(0, cut)}`, roomname, params };
}

// Remote peers choose their own awareness state, so only plain hex colours, a known perspective and
// a short name are let through. Runs before the cursor plugin reads them.
function sanitiseRemoteUsers(awareness) {
  awareness.on("change", ({ added, updated }) => {
    const states = awareness.getStates();
    for (const clientId of added.concat(updated)) {
      if (clientId === awareness.clientID) continue;
      const user = states.get(clientId) && states.get(clientId).user;
      if (!user || typeof user !== "object") continue;
      user.color = safeColour(user.color);
      user.colorLight = HEX_COLOUR_LIGHT.test(String(user.colorLight))
        ? user.colorLight
        : `${user.color}33`;
      user.name = typeof user.name === "string" && user.name ? user.name.slice(0, 80) : "Someone";
      if (!Object.prototype.hasOwnProperty.call(PEER_CLASSES, user.perspective)) user.perspective = "";
    }
  });
}

// A server that only relays awareness messages does not tell a newcomer who is already there, so
// when someone new appears we announce ourselves once more (they do the same; it stops there,
// because by then each knows the other and an already-known peer is "updated", not "added").
function answerNewcomers(awareness) {
  awareness.on("change", ({ added }, origin) => {
    if (origin === "local") return;
    const newcomers = added.filter((clientId) => clientId !== awareness.clientID);
    const own = awareness.getLocalState();
    if (newcomers.length > 0 && own !== null) awareness.setLocalState({ ...own });
  });
}

// --- Other people's cursors ---------------------------------------------------------------------
// As y-codemirror.next's own remote selections (y-remote-selections.js, MIT), whose look
// (yRemoteSelectionsTheme) and class names this keeps, but coloured with a class per perspective:
// its cursor widget sets a style attribute, which the Content-Security-Policy refuses. Like it,
// this also tells the others where our own cursor is.

const remoteCursorsChanged = Annotation.define();

function peerClass(user) {
  return (user && PEER_CLASSES[user.perspective]) || OTHER_PEER_CLASS;
}

class RemoteCaret extends WidgetType {
  constructor(peer, name) {
    super();
    this.peer = peer;
    this.name = name;
  }

  toDOM() {
    const caret = document.createElement("span");
    caret.className = `cm-ySelectionCaret ${this.peer}`;
    const dot = document.createElement("div");
    dot.className = "cm-ySelectionCaretDot";
    const info = document.createElement("div");
    info.className = "cm-ySelectionInfo";
    info.textContent = this.name;
    // Word joiners keep the caret from breaking the line it sits in.
    caret.append("\u2060", dot, "\u2060", info, "\u2060");
    return caret;
  }

  eq(other) {
    return other.peer === this.peer && other.name === this.name;
  }

  get estimatedHeight() {
    return -1;
  }

  ignoreEvent() {
    return true;
  }
}

// Our own selection, as Yjs positions that stay put while others edit, for the others to draw.
function shareOwnCursor(update, ytext, awareness) {
  const own = awareness.getLocalState();
  if (own === null) return;
  const focused = update.view.hasFocus && update.view.dom.ownerDocument.hasFocus();
  if (!focused) return; // the others keep seeing where we were
  const { anchor, head } = update.state.selection.main;
  const yAnchor = Y.createRelativePositionFromTypeIndex(ytext, anchor);
  const yHead = Y.createRelativePositionFromTypeIndex(ytext, head);
  const cursor = own.cursor;
  if (
    cursor == null ||
    !Y.compareRelativePositions(Y.createRelativePositionFromJSON(cursor.anchor), yAnchor) ||
    !Y.compareRelativePositions(Y.createRelativePositionFromJSON(cursor.head), yHead)
  ) {
    awareness.setLocalStateField("cursor", { anchor: yAnchor, head: yHead });
  }
}

function peerDecorations(doc, ytext, awareness) {
  const decorations = [];
  const clamp = (index) => Math.max(0, Math.min(index, doc.length));
  awareness.getStates().forEach((state, clientId) => {
    if (clientId === awareness.clientID) return;
    const cursor = state.cursor;
    if (cursor == null || cursor.anchor == null || cursor.head == null) return;
    const anchor = Y.createAbsolutePositionFromRelativePosition(cursor.anchor, ytext.doc);
    const head = Y.createAbsolutePositionFromRelativePosition(cursor.head, ytext.doc);
    if (anchor == null || head == null || anchor.type !== ytext || head.type !== ytext) return;
    const peer = peerClass(state.user);
    const name = (state.user && state.user.name) || "Someone";
    const start = clamp(Math.min(anchor.index, head.index));
    const end = clamp(Math.max(anchor.index, head.index));
    const startLine = doc.lineAt(start);
    const endLine = doc.lineAt(end);
    const mark = Decoration.mark({ class: `cm-ySelection ${peer}` });
    if (startLine.number === endLine.number) {
      if (end > start) decorations.push(mark.range(start, end));
    } else {
      if (startLine.to > start) decorations.push(mark.range(start, startLine.to));
      if (end > endLine.from) decorations.push(mark.range(endLine.from, end));
      const line = Decoration.line({ class: `cm-yLineSelection ${peer}` });
      for (let number = startLine.number + 1; number < endLine.number; number += 1) {
        decorations.push(line.range(doc.line(number).from));
      }
    }
    const caret = Decoration.widget({
      // Our own cursor is drawn outside their selection.
      side: head.index - anchor.index > 0 ? -1 : 1,
      widget: new RemoteCaret(peer, name),
    });
    decorations.push(caret.range(clamp(head.index)));
  });
  return Decoration.set(decorations, true);
}

function remoteCursors(ytext, awareness) {
  const plugin = ViewPlugin.fromClass(
    class {
      constructor(view) {
        this.decorations = Decoration.none;
        this.onChange = ({ added, updated, removed }) => {
          const changed = added.concat(updated, removed);
          if (changed.some((clientId) => clientId !== awareness.clientID)) {
            view.dispatch({ annotations: remoteCursorsChanged.of(true) });
          }
        };
        awareness.on("change", this.onChange);
      }

      update(update) {
        shareOwnCursor(update, ytext, awareness);
        this.decorations = peerDecorations(update.state.doc, ytext, awareness);
      }

      destroy() {
        awareness.off("change", this.onChange);
      }
    },
    { decorations: (value) => value.decorations }
  );
  return [yRemoteSelectionsTheme, plugin];
}

/**
 * Mount a live editor.
 *
 * @param {object} options
 * @param {HTMLElement} options.container element the editor goes in
 * @param {HTMLTextAreaElement} [options.textarea] the page's plain textarea (works without JS)
 * @param {string} options.wsUrl full ws:// or wss:// URL of the room
 * @param {boolean} [options.readOnly] observers: see the text and cursors, cannot type
 * @param {{name: string, colour?: string, perspective?: string}} [options.user] the others see
 *   this person's cursor labelled with the name and perspective, in the perspective's colour (a
 *   class); `colour` goes out as the Yjs awareness colour
 * @param {HTMLElement} [options.statusElement] shows the connection state in plain words
 * @param {function(object): void} [options.onSynced] called once, after the first sync
 * @param {function(object): void} [options.onServerEvent] called with each status message the
 *   server sends (the parsed JSON, e.g. {event: "saved", version: 7})
 * @param {HTMLElement[]} [options.plainOnly] shown only while the plain textarea is (its Save button)
 * @param {object} [options.messages] replaces some of the status texts
 * @param {object} [options.toolbarText] replaces some of the formatting toolbar's words
 * @param {string} [options.nonce] Content-Security-Policy nonce for CodeMirror's <style> element;
 *   by default the nonce of the <script> element that loaded this bundle
 * @param {function} [options.WebSocketPolyfill] for tests only
 */
function mount(options) {
  const { container, textarea = null, wsUrl, statusElement = null } = options;
  const plainOnly = (options.plainOnly || []).filter(Boolean);
  let readOnly = Boolean(options.readOnly);
  const user = options.user || {};
  const nonce = typeof options.nonce === "string" ? options.nonce : SCRIPT_NONCE;
  const messages = { ...MESSAGES, ...(options.messages || {}) };
  if (!container) throw new Error("coprodLive: options.container is required");
  if (!wsUrl) throw new Error("coprodLive: options.wsUrl is required");

  const { serverUrl, roomname, params } = splitRoomUrl(wsUrl);
  const doc = new Y.Doc();
  const ytext = doc.getText(TEXT_NAME);
  const undoManager = new Y.UndoManager(ytext);

  const provider = new WebsocketProvider(serverUrl, roomname, doc, {
    connect: false,
    params,
    // Every edit goes through the server, which attributes it to the person on that socket;
    // a second tab of the same browser is a second connection, not a BroadcastChannel peer.
    disableBc: true,
    // y-websocket drops a connection that has received nothing for 30 s. A server that does not
    // echo awareness back to its sender sends nothing to someone alone in the room, so ask for
    // the server's state every 10 s: it keeps the socket alive and heals any missed update.
    resyncInterval: RESYNC_MS,
    // 4400-4499 mean "the server decided; trying again won't help" (y-websocket's own rule too).
    shouldReconnect: (event) =>
      event.code !== CLOSE_NOT_ALLOWED && !(event.code >= 4400 && event.code < 4500),
    ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
  });

  const colour = safeColour(user.colour || user.color);
  const name = user.name || "Someone";
  const perspective = perspectiveWords(user.perspective);
  const awarenessUser = {
    name: perspective ? `${name} (${perspective})` : name,
    color: colour,
    colorLight: `${colour}33`,
    perspective: user.perspective || "",
  };
  provider.awareness.setLocalStateField("user", awarenessUser);
  sanitiseRemoteUsers(provider.awareness);
  answerNewcomers(provider.awareness);

  // Editable only once the room's text has arrived: typing into an empty, unsynced document would
  // put the words somewhere unexpected once the real text shows up.
  const editable = new Compartment();
  const editableWhen = (yes) => [EditorState.readOnly.of(!yes), EditorView.editable.of(yes)];

  const contentAttributes = { "aria-label": CONTENT_LABEL };
  if (statusElement && statusElement.id) contentAttributes["aria-describedby"] = statusElement.id;

  // Observers read along: no toolbar for them.
  const toolbar = readOnly ? null : formattingToolbar({ text: options.toolbarText });
  if (toolbar) container.append(toolbar.element);
  contentAttributes.id = `${container.id || "live-editor"}-text`;

  const view = new EditorView({
    parent: container,
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        sectionEditorExtensions({
          toolbar,
          contentAttributes,
          nonce,
          undoKeymap: yUndoManagerKeymap,
        }),
        editable.of(editableWhen(false)),
        // Without the awareness: its cursors are drawn by remoteCursors instead.
        yCollab(ytext, null, { undoManager }),
        remoteCursors(ytext, provider.awareness),
      ],
    }),
  });
  if (toolbar) toolbar.attach(view);

  // --- Showing either the plain textarea or the live editor -----------------------------------
  const textareaInitial = textarea ? textarea.value : "";
  const textareaRequired = textarea ? textarea.required : false;
  let live = false; // the editor is shown and the textarea follows the shared text
  let everSynced = false;
  let stopped = false; // the room refused us or ended: no more live editing on this page
  let destroyed = false;

  function showLive() {
    live = true;
    container.hidden = false;
    plainOnly.forEach((element) => {
      element.hidden = true;
    });
    if (textarea) {
      textarea.value = ytext.toString();
      textarea.required = false; // a hidden required field would block the submit silently
      textarea.hidden = true;
    }
  }

  function showPlain() {
    live = false;
    if (textarea) {
      textarea.hidden = false;
      textarea.required = textareaRequired;
      container.hidden = true;
    }
    plainOnly.forEach((element) => {
      element.hidden = false;
    });
  }

  // With no textarea there is nothing else to show; with one, it stays until the first sync.
  if (textarea) showPlain();
  else container.hidden = false;

  // The page's <label for> points at the textarea; while it is hidden, let it focus the editor.
  const onLabelClick = (event) => {
    if (!live) return;
    event.preventDefault();
    view.focus();
  };
  const labels = textarea && textarea.labels ? [...textarea.labels] : [];
  labels.forEach((label) => label.addEventListener("click", onLabelClick));

  function syncTextarea() {
    if (textarea && live) textarea.value = ytext.toString();
  }
  ytext.observe(syncTextarea);

  // --- Status in plain words ---------------------------------------------------------------------
  if (statusElement) {
    if (!statusElement.hasAttribute("role")) statusElement.setAttribute("role", "status");
    if (!statusElement.hasAttribute("aria-live")) statusElement.setAttribute("aria-live", "polite");
  }
  // `status` is the state of the connection (data-live-status); while connected, `note` adds
  // what happened last (data-live-note): "saved" or "keptOffline".
  let status = "";
  let note = "";
  let savedAt = 0; // Date.now() of the last save the server told us about
  let tooLongLimit = null; // from {"event": "too_long"}, just before the close
  let typedOffline = false; // changes made here while not connected, not yet sent
  let savedTimer = null;

  function statusText() {
    if (status === "connected" && note === "saved") {
      const minutes = Math.floor((Date.now() - savedAt) / 60000);
      if (minutes < 1) return messages.savedJustNow;
      if (minutes === 1) return messages.savedOneMinute;
      return fill(messages.savedMinutes, { minutes });
    }
    if (status === "connected" && note === "keptOffline") return messages.keptOffline;
    if (status === "tooLong" || status === "tooLongNoBox") {
      return fill(messages[status], { limit: thousands(tooLongLimit) });
    }
    return messages[status];
  }

  function render() {
    if (!statusElement) return;
    const text = statusText();
    // Writing the same words again would make some screen readers read them out again.
    if (statusElement.textContent !== text) statusElement.textContent = text;
    statusElement.dataset.liveStatus = status;
    if (note) statusElement.dataset.liveNote = note;
    else delete statusElement.dataset.liveNote;
  }

  function stopSavedTimer() {
    if (savedTimer !== null) clearInterval(savedTimer);
    savedTimer = null;
  }

  function setStatus(key, newNote = "") {
    status = key;
    note = key === "connected" ? newNote : "";
    if (note !== "saved") stopSavedTimer();
    render();
  }

  // Connected and in step with the room: read-only if the server said so, otherwise connected.
  function setConnected(newNote = "") {
    if (readOnly && !options.readOnly) setStatus("readOnly");
    else setStatus("connected", newNote);
  }
  setStatus("connecting");

  function browserOffline() {
    return typeof navigator !== "undefined" && navigator.onLine === false;
  }

  provider.on("status", ({ status: state }) => {
    if (stopped) return;
    if (state === "connected") {
      if (browserOffline()) setStatus("offline");
      else if (!everSynced) setConnected();
      // After a drop, "connected" waits for the sync, which is when the room has our changes.
    }
  });

  // Changes made here while the socket is down are sent with the next sync; remember that there
  // were some, to say afterwards that they were kept.
  const onDocUpdate = (_update, origin) => {
    if (origin !== provider && everSynced && !provider.wsconnected) typedOffline = true;
  };
  doc.on("update", onDocUpdate);

  function onSaved() {
    if (stopped || destroyed || status !== "connected") return;
    savedAt = Date.now();
    setStatus("connected", "saved");
    stopSavedTimer();
    savedTimer = setInterval(() => {
      if (status === "connected" && note === "saved") render();
      else stopSavedTimer();
    }, SAVED_TICK_MS);
  }

  function becomeReadOnly() {
    if (stopped || destroyed) return;
    readOnly = true;
    view.dispatch({ effects: editable.reconfigure(editableWhen(false)) });
    if (toolbar) toolbar.setEnabled(false);
    setStatus("readOnly");
  }

  function onServerEvent(event) {
    if (event.event === "saved") onSaved();
    else if (event.event === "read_only") becomeReadOnly();
    else if (event.event === "too_long") tooLongLimit = event.limit;
    if (typeof options.onServerEvent === "function") options.onServerEvent(event);
  }

  // Nothing is written back: the server expects no answer to its status messages.
  provider.messageHandlers[STATUS_MESSAGE] = (_encoder, decoder) => {
    let event;
    try {
      event = JSON.parse(decoding.readVarString(decoder));
    } catch (error) {
      return; // not a status message we can read: ignored
    }
    if (!event || typeof event !== "object" || typeof event.event !== "string") return;
    try {
      onServerEvent(event);
    } catch (error) {
      console.error("coprodLive: a status message could not be shown", error);
    }
  };

  provider.on("connection-close", (event) => {
    if (stopped || destroyed) return;
    if (!event) {
      // Closed here: by disconnect() (shouldConnect is false then) or by y-websocket's watchdog
      // after 30 s without a message, which means the line went quiet; it reconnects at once.
      if (provider.shouldConnect) setStatus(everSynced ? "reconnecting" : "offline");
      return;
    }
    if (event.code === CLOSE_NOT_ALLOWED) return; // handled by "closed" below
    if (event.code >= 4400 && event.code < 4500) return;
    // CLOSE_TRY_AGAIN_LATER too: y-websocket waits a little, then reconnects and resyncs.
    setStatus(everSynced && !browserOffline() ? "reconnecting" : "offline");
  });

  provider.on("closed", ({ code }) => {
    // y-websocket has already set shouldConnect = false; said again so that it is plain here.
    provider.shouldConnect = false;
    stopped = true;
    stopSavedTimer();
    if (code === CLOSE_NOT_ALLOWED) setStatus("refused");
    else if (code === CLOSE_TOO_LONG && tooLongLimit !== null) {
      setStatus(textarea ? "tooLong" : "tooLongNoBox");
    } else setStatus(textarea ? "endedKeptInBox" : "ended");
    view.dispatch({ effects: editable.reconfigure(editableWhen(false)) });
    if (toolbar) toolbar.setEnabled(false);
    if (textarea) {
      syncTextarea(); // the latest shared text, including anything not yet sent
      showPlain();
    }
  });

  provider.on("sync", (isSynced) => {
    if (!isSynced || stopped || destroyed) return;
    if (everSynced) {
      // Back after a drop: the sync has carried what was typed meanwhile.
      const kept = typedOffline;
      typedOffline = false;
      setConnected(kept ? "keptOffline" : "");
      return;
    }
    setConnected();
    everSynced = true;
    if (textarea && textarea.value !== textareaInitial) {
      // They typed in the plain box while the room was out of reach: keep their words, not ours.
      stopped = true;
      provider.disconnect();
      setStatus("keptPlain");
      return;
    }
    if (!readOnly) view.dispatch({ effects: editable.reconfigure(editableWhen(true)) });
    showLive();
    if (typeof options.onSynced === "function") options.onSynced(instance);
  });

  const onOffline = () => {
    if (!stopped) setStatus("offline");
  };
  const onOnline = () => {
    if (stopped) return;
    if (provider.wsconnected) setConnected();
    else {
      setStatus(everSynced ? "reconnecting" : "connecting");
      provider.connect(); // try now rather than after the back-off
    }
  };
  // Leaving the page: take our cursor away now rather than after the 30 s awareness time-out.
  const onPageHide = () => {
    removeAwarenessStates(provider.awareness, [doc.clientID], "page hidden");
  };
  // Back from the back/forward cache: show our cursor again.
  const onPageShow = (event) => {
    if (event.persisted && !stopped) provider.awareness.setLocalStateField("user", awarenessUser);
  };
  window.addEventListener("offline", onOffline);
  window.addEventListener("online", onOnline);
  window.addEventListener("pagehide", onPageHide);
  window.addEventListener("pageshow", onPageShow);

  const instance = {
    doc,
    ytext,
    provider,
    view,
    undoManager,
    toolbar,
    text: () => ytext.toString(),
    get status() {
      return status;
    },
    get synced() {
      return everSynced && provider.synced;
    },
    get live() {
      return live;
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      window.removeEventListener("offline", onOffline);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("pagehide", onPageHide);
      window.removeEventListener("pageshow", onPageShow);
      labels.forEach((label) => label.removeEventListener("click", onLabelClick));
      stopSavedTimer();
      doc.off("update", onDocUpdate);
      ytext.unobserve(syncTextarea);
      syncTextarea();
      provider.destroy();
      view.destroy();
      undoManager.destroy();
      doc.destroy();
      if (textarea) {
        textarea.hidden = false;
        textarea.required = textareaRequired;
      }
      plainOnly.forEach((element) => {
        element.hidden = false;
      });
      const at = instances.indexOf(instance);
      if (at !== -1) instances.splice(at, 1);
    },
  };
  instances.push(instance);

  provider.connect();
  return instance;
}

// The same editor, without the live room, for the section form.
window.coprodEditor = coprodEditor;

window.coprodLive = {
  mount,
  instances,
  messages: MESSAGES,
  TEXT_NAME,
  CLOSE_NOT_ALLOWED,
  CLOSE_TOO_LONG,
  CLOSE_TRY_AGAIN_LATER,
  STATUS_MESSAGE,
};
