// A recording's chat replay: the lines of `/{room}/videos/{id}/chat` shown as the playhead
// passes them, so the chat reads as it did live. Seeking redraws the chat up to the new time;
// only the last MAX_SHOWN lines stay in the list.
import { nameNode } from './messages.js';
import { renderText } from './render.js';
import './site.js';

const MAX_SHOWN = 300;

const config = JSON.parse(document.getElementById('page-config').textContent);
const video = document.getElementById('video');
const list = document.getElementById('messages');
const status = document.getElementById('replay-status');
const emotes = new Map((config.emotes || []).map((e) => [e.alias, e.uri]));

let lines = [];
/** How many of `lines` are shown (those with offset_ms up to the playhead). */
let shown = 0;

function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  const pad = (n) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

function lineNode(line) {
  const li = document.createElement('li');
  const kind = line.event === 'action' ? 'action' : line.event === 'broadcast' ? 'server' : 'message';
  li.className = `line line-${kind}`;
  li.dataset.offset = String(line.offset_ms);
  const t = document.createElement('time');
  t.textContent = clock(line.offset_ms);
  li.append(t);
  if (line.username) {
    li.append(nameNode({ username: line.username, color: line.color }));
    li.append(kind === 'action' ? ' ' : ': ');
  }
  const text = document.createElement('span');
  text.className = 'text';
  renderText(text, line.message, emotes);
  li.append(text);
  return li;
}

/** Shows exactly the lines up to the playhead. */
function sync() {
  const now = video.currentTime * 1000;
  let upTo = shown;
  while (upTo < lines.length && lines[upTo].offset_ms <= now) upTo += 1;
  while (upTo > 0 && lines[upTo - 1].offset_ms > now) upTo -= 1;
  if (upTo === shown) return;
  if (upTo < shown || upTo - shown > MAX_SHOWN) {
    list.replaceChildren(...lines.slice(Math.max(0, upTo - MAX_SHOWN), upTo).map(lineNode));
  } else {
    list.append(...lines.slice(shown, upTo).map(lineNode));
    while (list.childElementCount > MAX_SHOWN) list.firstElementChild.remove();
  }
  shown = upTo;
  list.scrollTop = list.scrollHeight;
}

async function load() {
  try {
    const r = await fetch(config.chat, { credentials: 'same-origin' });
    if (!r.ok) throw new Error(String(r.status));
    const data = await r.json();
    lines = Array.isArray(data) ? data.filter((l) => l && Number.isFinite(l.offset_ms)) : [];
    lines.sort((a, b) => a.offset_ms - b.offset_ms);
    status.textContent = lines.length ? `${lines.length} ${lines.length === 1 ? 'line' : 'lines'}` : 'No chat';
    status.dataset.status = 'connected';
    sync();
  } catch {
    status.textContent = 'Chat unavailable';
    status.dataset.status = 'error';
  }
}

for (const e of ['timeupdate', 'seeked', 'seeking', 'loadedmetadata']) video.addEventListener(e, sync);
load();
