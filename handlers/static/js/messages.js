// The message list: how each kind of line is drawn (names with badges, text with emotes and
// links, drawings, notices), the room's history with its dividers, deleted lines leaving, the
// size cap, and the "new messages" marker when scrolled up.
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
  /**
   * `emotes`: alias -> uri (shared, kept current by the chat); `myName()`: the chatter or null;
   * `decorate(li, line)` (set later, optional): adds to each chat line with an id.
   */
  constructor(list, newMessages, { emotes, myName }) {
    this.decorate = null;
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

  /** A new line of `kind`, stamped `timestamp` (unix ms) or now. */
  line(kind, timestamp) {
    const li = document.createElement('li');
    li.className = `line ${kind}`;
    const now = Number.isFinite(timestamp) ? new Date(timestamp) : new Date();
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

  /** The line with this id, if shown. */
  byId(id) {
    return typeof id === 'string' ? this.list.querySelector(`li[data-id="${CSS.escape(id)}"]`) : null;
  }

  /** A chat line `li` for `d`, or null when the line with its id is shown already. */
  chatLine(kind, d) {
    if (this.byId(d.id)) return null;
    const li = this.line(kind, d.timestamp);
    if (typeof d.id === 'string') li.dataset.id = d.id;
    return li;
  }

  addMessage(d, action) {
    const { username, type, color, message } = d;
    const li = this.chatLine(action ? 'line-action' : 'line-message', d);
    if (!li) return;
    const c = safeColor(color);
    if (c) li.style.setProperty('--c', c);
    if (action) li.append('* ');
    li.append(nameNode({ username, type, color }), action ? ' ' : ': ', this.textNode(message));
    const me = this.myName();
    if (me && String(username).toLowerCase() !== me.toLowerCase() && mentions(message, me)) {
      li.classList.add('mention');
    }
    this.decorate?.(li, d);
    this.append(li);
  }

  addDrawing(d) {
    const { username, type, color, src } = d;
    const url = safeImageUrl(src);
    if (!url || !url.startsWith('data:image/png;base64,')) return;
    const li = this.chatLine('line-drawing', d);
    if (!li) return;
    li.append(nameNode({ username, type, color }), ':');
    const img = document.createElement('img');
    img.className = 'drawing';
    img.src = url;
    img.width = 240;
    img.height = 120;
    img.alt = `Drawing by ${username}`;
    li.append(img);
    this.decorate?.(li, d);
    this.append(li);
  }

  /** The room's last lines on joining, between "Earlier messages" and "New" dividers. */
  addHistory(items) {
    const fresh = (Array.isArray(items) ? items : []).filter((d) => d && !this.byId(d.id));
    if (fresh.length === 0) return;
    this.addDivider('Earlier messages');
    for (const d of fresh) {
      if (d.event === 'drawing received') this.addDrawing(d);
      else if (d.event === 'message received' || d.event === 'action received') {
        this.addMessage(d, d.event === 'action received');
      }
    }
    this.addDivider('New');
  }

  addDivider(text) {
    const li = document.createElement('li');
    li.className = 'line-divider';
    li.setAttribute('role', 'separator');
    li.textContent = text;
    this.append(li);
  }

  /** Takes a deleted line away; the removed element, if it was shown. */
  removeLine(id) {
    const li = this.byId(id);
    li?.remove();
    return li;
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
  /**
   * One page of the room's roster: `offset` of `count` in all; `more()` (when there are more)
   * asks for the next page, from a button at the end of the line.
   */
  addUserlist(users, { offset = 0, count = users.length, more = null } = {}) {
    const li = this.line('line-server');
    const text = document.createElement('span');
    text.className = 'text';
    const upTo = offset + users.length;
    text.append(offset ? `In chat (${offset + 1}–${upTo} of ${count}): ` : `In chat (${count}): `);
    users.forEach((u, i) => {
      if (i > 0) text.append(', ');
      text.append(nameNode(u));
    });
    li.append(text);
    if (more) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link-button userlist-more';
      button.textContent = `Show ${Math.min(100, count - upTo)} more`;
      button.addEventListener('click', () => {
        button.remove();
        more();
      });
      li.append(' ', button);
    }
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
