// The message list: how each kind of line is drawn (names with badges, text with emotes and
// links, drawings, notices), the size cap, and the "new messages" marker when scrolled up.
import { mentions, renderText, safeColor, safeImageUrl } from './render.js';

const MAX_LINES = 400;
export const BADGES = {
  admin: { text: 'Host', title: 'Streamer' },
  moderator: { text: 'Mod', title: 'Moderator' },
};

/** A chatter's name (with its rank badge) in its color. */
export function nameNode({ username, type, color }) {
  const frag = document.createDocumentFragment();
  const badge = BADGES[type];
  if (badge) {
    const b = document.createElement('span');
    b.className = `badge badge-${type}`;
    b.title = badge.title;
    b.textContent = badge.text;
    frag.append(b);
  }
  const name = document.createElement('span');
  name.className = 'name';
  name.textContent = String(username ?? '');
  const c = safeColor(color);
  if (c) name.style.setProperty('--c', c);
  frag.append(name);
  return frag;
}

export class MessageList {
  /** `emotes`: alias -> uri (shared, kept current by the chat); `myName()`: the chatter or null. */
  constructor(list, newMessages, { emotes, myName }) {
    this.list = list;
    this.newMessages = newMessages;
    this.emotes = emotes;
    this.myName = myName;
    this.unseen = 0;
    this.pinned = true;
    this.list.addEventListener('scroll', () => {
      if (this.atBottom()) this.clearUnseen();
    });
    // Images (emotes, drawings) change heights after they load: stay pinned when we were.
    this.list.addEventListener(
      'load',
      () => {
        if (this.pinned) this.scrollToBottom();
      },
      true,
    );
  }

  line(kind) {
    const li = document.createElement('li');
    li.className = `line ${kind}`;
    const now = new Date();
    const time = document.createElement('time');
    time.dateTime = now.toISOString();
    time.textContent = now.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    li.append(time);
    return li;
  }

  textNode(message) {
    const text = document.createElement('span');
    text.className = 'text';
    renderText(text, String(message ?? ''), this.emotes);
    return text;
  }

  addMessage({ username, type, color, message }, action) {
    const li = this.line(action ? 'line-action' : 'line-message');
    const c = safeColor(color);
    if (c) li.style.setProperty('--c', c);
    if (action) li.append('* ');
    li.append(nameNode({ username, type, color }), action ? ' ' : ': ', this.textNode(message));
    const me = this.myName();
    if (me && String(username).toLowerCase() !== me.toLowerCase() && mentions(message, me)) {
      li.classList.add('mention');
    }
    this.append(li);
  }

  addDrawing({ username, type, color, src }) {
    const url = safeImageUrl(src);
    if (!url || !url.startsWith('data:image/png;base64,')) return;
    const li = this.line('line-drawing');
    li.append(nameNode({ username, type, color }), ':');
    const img = document.createElement('img');
    img.className = 'drawing';
    img.src = url;
    img.width = 240;
    img.height = 120;
    img.alt = `Drawing by ${username}`;
    li.append(img);
    this.append(li);
  }

  addNotice(kind, msg) {
    const li = this.line(`line-${kind}`);
    li.append(this.textNode(msg));
    this.append(li);
  }

  /** A roster event: `parts` are strings and name nodes. */
  addEvent(parts) {
    const li = this.line('line-event');
    li.append(...parts);
    this.append(li);
  }

  /** The `/users` answer: everyone in chat, by name. */
  addUserlist(users) {
    const li = this.line('line-server');
    const text = document.createElement('span');
    text.className = 'text';
    text.append(`In chat (${users.length}): `);
    users.forEach((u, i) => {
      if (i > 0) text.append(', ');
      text.append(nameNode(u));
    });
    li.append(text);
    this.append(li);
  }

  atBottom() {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 32;
  }

  scrollToBottom() {
    this.list.scrollTop = this.list.scrollHeight;
    this.clearUnseen();
  }

  clearUnseen() {
    this.unseen = 0;
    this.pinned = true;
    this.newMessages.hidden = true;
  }

  append(li) {
    const pinned = this.atBottom();
    this.list.append(li);
    while (this.list.children.length > MAX_LINES) this.list.firstElementChild.remove();
    if (pinned) {
      this.scrollToBottom();
    } else {
      this.pinned = false;
      this.unseen += 1;
      this.newMessages.hidden = false;
      this.newMessages.querySelector('span').textContent =
        this.unseen === 1 ? '1 new message' : `${this.unseen} new messages`;
    }
  }
}
