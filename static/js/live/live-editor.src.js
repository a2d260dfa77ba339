// Live co-editing of one section's markdown: Yjs + CodeMirror 6 over the standard y-websocket
// protocol. This is the source; the page loads the bundle that `npm run build:live` makes from it
// (static/vendor/live/live-editor.js). See static/vendor/README.md.
//
// The page keeps working without JavaScript: its plain <textarea> posts the text as usual. Once
// the live room has sent its state, the textarea is hidden and kept equal to the shared text, so
// a normal form submit still carries what everyone wrote. Until then, and whenever the live room
// goes away for good, the textarea is what the person sees, so nothing they type is ever lost.

import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { removeAwarenessStates } from "y-protocols/awareness";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { EditorView, drawSelection, highlightSpecialChars, keymap } from "@codemirror/view";
import { defaultKeymap } from "@codemirror/commands";
import { LanguageSupport, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { commonmarkLanguage, markdownKeymap } from "@codemirror/lang-markdown";

// The server reads and writes exactly this shared type.
const TEXT_NAME = "body";

// Close code the server uses when this person may not join the room.
const CLOSE_NOT_ALLOWED = 4403;

const RESYNC_MS = 10000;

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
};

const CONTENT_LABEL = "Section text, shared live";
const DEFAULT_COLOUR = "#0b6e4f";
const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
const HEX_COLOUR_LIGHT = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;

// Perspective keys as the server names them, in the words a cursor label shows.
const PERSPECTIVE_WORDS = { family_carer: "family carer", professional: "professional" };

const instances = [];

function perspectiveWords(perspective) {
  if (!perspective) return "";
  return PERSPECTIVE_WORDS[perspective] || String(perspective).replace(/_/g, " ");
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

// Remote peers choose their own awareness state and the cursor widget puts `color` into a style
// attribute, so only plain hex colours are let through. Runs before the cursor plugin reads them.
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

// The container draws the border (see static/css/coprod.css); this only adds what CodeMirror lacks.
const editorTheme = EditorView.theme({
  "&": { fontSize: "1rem", minHeight: "inherit" },
  "&.cm-focused": { outline: "3px solid #0b5ed7", outlineOffset: "2px" },
  ".cm-scroller": { fontFamily: "inherit", lineHeight: "1.6", minHeight: "inherit" },
  ".cm-content": { minHeight: "16rem", padding: "0.5rem 0.75rem" },
  ".cm-content[aria-readonly=true]": { backgroundColor: "#f8f9fa" },
});

/**
 * Mount a live editor.
 *
 * @param {object} options
 * @param {HTMLElement} options.container element the editor goes in
 * @param {HTMLTextAreaElement} [options.textarea] the page's plain textarea (works without JS)
 * @param {string} options.wsUrl full ws:// or wss:// URL of the room
 * @param {boolean} [options.readOnly] observers: see the text and cursors, cannot type
 * @param {{name: string, colour?: string, perspective?: string}} [options.user]
 * @param {HTMLElement} [options.statusElement] shows the connection state in plain words
 * @param {function(object): void} [options.onSynced] called once, after the first sync
 * @param {object} [options.messages] replaces some of the status texts
 * @param {function} [options.WebSocketPolyfill] for tests only
 */
function mount(options) {
  const { container, textarea = null, wsUrl, readOnly = false, statusElement = null } = options;
  const user = options.user || {};
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

  const contentAttributes = {
    "aria-label": CONTENT_LABEL,
    "aria-multiline": "true",
    spellcheck: "true",
    autocapitalize: "sentences",
  };
  if (statusElement && statusElement.id) contentAttributes["aria-describedby"] = statusElement.id;

  const view = new EditorView({
    parent: container,
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        highlightSpecialChars(),
        drawSelection(),
        keymap.of([...yUndoManagerKeymap, ...defaultKeymap]),
        // CommonMark, as the server stores it. Not markdown(): that also bundles the HTML, CSS
        // and JavaScript grammars (~150 KiB) to colour embedded HTML, which sections never need.
        new LanguageSupport(commonmarkLanguage),
        Prec.high(keymap.of(markdownKeymap)), // Enter continues a list, Backspace undoes that
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of(contentAttributes),
        editorTheme,
        editable.of(editableWhen(false)),
        yCollab(ytext, provider.awareness, { undoManager }),
      ],
    }),
  });

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
  let status = "";
  function setStatus(key) {
    status = key;
    if (!statusElement) return;
    statusElement.textContent = messages[key];
    statusElement.dataset.liveStatus = key;
  }
  setStatus("connecting");

  function browserOffline() {
    return typeof navigator !== "undefined" && navigator.onLine === false;
  }

  provider.on("status", ({ status: state }) => {
    if (stopped) return;
    if (state === "connected") setStatus(browserOffline() ? "offline" : "connected");
  });

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
    setStatus(everSynced && !browserOffline() ? "reconnecting" : "offline");
  });

  provider.on("closed", ({ code }) => {
    // y-websocket has already set shouldConnect = false; said again so that it is plain here.
    provider.shouldConnect = false;
    stopped = true;
    if (code === CLOSE_NOT_ALLOWED) setStatus("refused");
    else setStatus(textarea ? "endedKeptInBox" : "ended");
    view.dispatch({ effects: editable.reconfigure(editableWhen(false)) });
    if (textarea) {
      syncTextarea(); // the latest shared text, including anything not yet sent
      showPlain();
    }
  });

  provider.on("sync", (isSynced) => {
    if (!isSynced || stopped || destroyed) return;
    setStatus("connected");
    if (everSynced) return;
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
    if (provider.wsconnected) setStatus("connected");
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
      const at = instances.indexOf(instance);
      if (at !== -1) instances.splice(at, 1);
    },
  };
  instances.push(instance);

  provider.connect();
  return instance;
}

window.coprodLive = { mount, instances, messages: MESSAGES, TEXT_NAME, CLOSE_NOT_ALLOWED };
