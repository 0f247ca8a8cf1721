// The chat pane: login (nickname, color, streamer key), the message list, the room roster kept
// current from deltas, typing helpers (emoji and user type-ahead, emoji picker), pictochat, and
// re-joining with the same name after the connection drops.
import { DrawPanel } from './draw.js';
import { EmojiPicker, glyphFor, loadEmojiData, searchEmoji } from './emoji.js';
import { mentions, renderText, safeColor, safeImageUrl } from './render.js';
import { load, save } from './storage.js';
import { applyTheme } from './theme.js';
import { Typeahead } from './typeahead.js';

const MAX_LINES = 400;
const BADGES = {
  admin: { text: 'Host', title: 'Streamer' },
  moderator: { text: 'Mod', title: 'Moderator' },
};
const STATUS_TEXT = { connecting: 'Connecting…', online: 'Connected', reconnecting: 'Reconnecting…' };

const $ = (root, selector) => root.querySelector(selector);
const lower = (name) => String(name).toLowerCase();

export class Chat {
  constructor(root, socket, config) {
    this.root = root;
    this.socket = socket;
    this.config = config;
    this.list = $(root, '#messages');
    this.status = $(root, '#chat-status');
    this.newMessages = $(root, '#new-messages');
    this.loginForm = $(root, '#login-form');
    this.keyForm = $(root, '#key-form');
    this.composer = $(root, '#composer');
    this.input = $(root, '#chat-input');
    this.meChip = $(root, '#me');

    this.emotes = new Map();
    for (const e of config.emotes || []) {
      if (e && typeof e.alias === 'string' && typeof e.uri === 'string') this.emotes.set(e.alias, e.uri);
    }
    this.roster = new Map();
    this.me = null; // { username, type, color } once logged in
    this.session = null; // { username, color, key? } to re-join after a drop
    this.pending = null; // the login request in flight
    this.rejoinAttempts = 0;
    this.unseen = 0;
    this.emojiData = null;

    this.initLoginForm();
    this.initComposer();
    this.initScrolling();
    this.initCollapse();
    this.bindSocket();
  }

  // ------------------------------------------------------------------ connection and login

  bindSocket() {
    const s = this.socket;
    s.on('status', (status) => this.showStatus(status));
    s.on('open', () => this.onOpen());
    s.on('close', () => this.onClose());
    s.on('login success', (d) => this.onLoginSuccess(d));
    s.on('login key required', (d) => this.onKeyRequired(d));
    s.on('error', (d) => this.onError(d));
    s.on('warning', (d) => this.addNotice('warning', d.msg));
    s.on('server', (d) => this.addNotice('server', d.msg));
    s.on('message received', (d) => this.addMessage(d, false));
    s.on('action received', (d) => this.addMessage(d, true));
    s.on('drawing received', (d) => this.addDrawing(d));
    s.on('connected', (d) => this.onConnected(d));
    s.on('disconnected', (d) => this.onDisconnected(d));
    s.on('rename', (d) => this.onRename(d));
    s.on('recolor', (d) => this.onRecolor(d));
    s.on('retype', (d) => this.onRetype(d));
    s.on('return color', (d) => this.onReturnColor(d));
    s.on('userlist', (d) => this.onUserlist(d));
    s.on('change theme', (d) => this.onChangeTheme(d));
    s.on('password set', (d) => this.onPasswordSet(d));
    s.on('password activated', (d) => this.onPasswordActivated(d));
    s.on('password deactivated', (d) => this.addNotice('server', d.msg || `${d.username} removed the stream password.`));
    s.on('add emote', (d) => this.onAddEmote(d));
    s.on('remove emote', (d) => this.onRemoveEmote(d));
    this.showStatus(s.status);
  }

  showStatus(status) {
    this.status.dataset.status = status;
    this.status.textContent = STATUS_TEXT[status] || status;
    this.root.dataset.connection = status;
  }

  onOpen() {
    if (this.session) {
      // Back after a drop: join again with the same name (and key, for the streamer).
      this.pending = { ...this.session, rejoin: true };
      this.sendLogin(this.pending);
    } else if (this.pending) {
      this.sendLogin(this.pending);
    }
  }

  onClose() {
    if (this.me) {
      this.addNotice('info', 'Connection lost. Reconnecting…');
      this.me = null;
    }
  }

  sendLogin({ username, color, key }) {
    const data = { streamer: this.config.username, username, color };
    if (key !== undefined) data.key = key;
    this.socket.send('login', data);
  }

  initLoginForm() {
    const nameInput = $(this.loginForm, '#login-name');
    const savedName = load('chat.name');
    if (typeof savedName === 'string') nameInput.value = savedName;
    const savedColor = safeColor(load('chat.color'));
    const radios = [...this.loginForm.querySelectorAll('input[name="color"]')];
    const match = savedColor && radios.find((r) => r.value.toLowerCase() === savedColor.toLowerCase());
    if (match) match.checked = true;
    else if (!savedColor && radios.length) radios[Math.floor(Math.random() * radios.length)].checked = true;

    this.loginForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const username = nameInput.value.trim();
      if (!username) {
        this.showFormError(this.loginForm, '#login-error', 'Pick a nickname first.');
        nameInput.focus();
        return;
      }
      const checked = this.loginForm.querySelector('input[name="color"]:checked');
      const color = checked ? checked.value : savedColor || '#3e7bfa';
      save('chat.name', username);
      this.login({ username, color });
    });

    this.keyForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const key = $(this.keyForm, '#key-input').value;
      if (!key || !this.pending) return;
      this.login({ ...this.pending, key });
    });
    $(this.keyForm, '#key-cancel').addEventListener('click', () => {
      this.pending = null;
      this.setPhase('login');
      nameInput.focus();
      nameInput.select();
    });
  }

  login(request) {
    this.pending = request;
    this.setBusy(true);
    this.showFormError(this.loginForm, '#login-error', null);
    this.showFormError(this.keyForm, '#key-error', null);
    if (!this.socket.send('login', { streamer: this.config.username, ...request })) {
      // Not connected right now: the request goes out as soon as the socket opens.
      this.showStatus(this.socket.status);
    }
  }

  setBusy(busy) {
    for (const form of [this.loginForm, this.keyForm]) {
      for (const b of form.querySelectorAll('button[type="submit"]')) b.disabled = busy;
    }
    $(this.loginForm, '#login-submit').textContent = busy ? 'Joining…' : 'Join chat';
  }

  setPhase(phase) {
    this.root.dataset.phase = phase;
    this.loginForm.hidden = phase !== 'login';
    this.keyForm.hidden = phase !== 'key';
    this.composer.hidden = phase !== 'chat';
    if (phase !== 'chat') {
      this.emojiPicker?.close(false);
      this.drawPanel?.close(false);
    }
  }

  showFormError(form, selector, message) {
    const p = $(form, selector);
    p.hidden = !message;
    p.textContent = message || '';
  }

  onKeyRequired({ username }) {
    this.setBusy(false);
    if (!this.pending) return;
    if (this.pending.rejoin) {
      // The streamer's key is kept in memory only; without it, ask again.
      this.session = null;
    }
    const hadKey = this.pending.key !== undefined;
    delete this.pending.key;
    this.setPhase('key');
    $(this.keyForm, '#key-prompt').textContent =
      `“${username || this.pending.username}” is the streamer’s name. Enter the stream key to log in as the streamer.`;
    const keyInput = $(this.keyForm, '#key-input');
    keyInput.value = '';
    if (hadKey) this.showFormError(this.keyForm, '#key-error', 'Invalid key, try again.');
    keyInput.focus();
  }

  onLoginSuccess({ username, type, color, users }) {
    const rejoin = this.pending?.rejoin === true;
    const key = this.pending?.key;
    this.pending = null;
    this.rejoinAttempts = 0;
    this.setBusy(false);
    this.me = { username, type, color: safeColor(color) || '#8d8d99' };
    this.session = { username, color: this.me.color, ...(key !== undefined ? { key } : {}) };
    save('chat.name', username);
    save('chat.color', this.me.color);
    $(this.keyForm, '#key-input').value = '';
    this.setRoster(users);
    this.updateMe();
    this.setPhase('chat');
    if (rejoin) {
      this.addNotice('info', 'Reconnected.');
    } else {
      this.addNotice('info', `You joined the chat as ${username}. Type /help for commands.`);
      this.input.focus();
    }
    this.prefetchEmoji();
  }

  onError({ msg }) {
    const text = typeof msg === 'string' && msg ? msg : 'Something went wrong.';
    const request = this.pending;
    if (!request) {
      this.addNotice('error', text);
      return;
    }
    this.pending = null;
    this.setBusy(false);
    if (request.rejoin) {
      // The old connection may not be gone on the server yet: try a few more times.
      this.rejoinAttempts = (this.rejoinAttempts || 0) + 1;
      if (this.rejoinAttempts <= 3 && this.session) {
        setTimeout(() => {
          if (!this.socket.isOpen || !this.session) return;
          this.pending = { ...this.session, rejoin: true };
          this.sendLogin(this.pending);
        }, 1500 * this.rejoinAttempts);
        return;
      }
      this.session = null;
      this.addNotice('error', `Could not rejoin: ${text}`);
      this.setPhase('login');
      this.showFormError(this.loginForm, '#login-error', text);
    } else if (request.key !== undefined) {
      const { key: _wrong, ...rest } = request;
      this.pending = rest;
      this.setPhase('key');
      this.showFormError(this.keyForm, '#key-error', text);
      $(this.keyForm, '#key-input').select();
    } else {
      this.setPhase('login');
      this.showFormError(this.loginForm, '#login-error', text);
      $(this.loginForm, '#login-name').focus();
    }
  }

  updateMe() {
    this.meChip.replaceChildren();
    if (!this.me) return;
    this.meChip.append(this.nameNode(this.me));
    this.meChip.title = `You are chatting as ${this.me.username}`;
  }

  // ------------------------------------------------------------------ roster

  setRoster(users) {
    this.roster.clear();
    if (!Array.isArray(users)) return;
    for (const u of users) if (u && typeof u.username === 'string') this.roster.set(lower(u.username), u);
  }

  isMe(name) {
    return this.me !== null && lower(name) === lower(this.me.username);
  }

  onConnected(user) {
    this.roster.set(lower(user.username), user);
    this.addEvent([this.nameNode(user), ' joined the chat']);
  }

  onDisconnected(user) {
    this.roster.delete(lower(user.username));
    this.addEvent([this.nameNode(user), ' left the chat']);
  }

  onRename({ oldname, newname, type, color }) {
    this.roster.delete(lower(oldname));
    const user = { username: newname, type, color };
    this.roster.set(lower(newname), user);
    if (this.isMe(oldname)) {
      this.me = { ...this.me, username: newname, type, color: safeColor(color) || this.me.color };
      if (this.session) this.session.username = newname;
      save('chat.name', newname);
      this.updateMe();
      this.addEvent(['You are now known as ', this.nameNode(user)]);
    } else {
      this.addEvent([this.nameNode({ username: oldname, type, color }), ' is now known as ', this.nameNode(user)]);
    }
  }

  onRecolor(user) {
    const known = this.roster.get(lower(user.username));
    this.roster.set(lower(user.username), { ...known, ...user });
    if (this.isMe(user.username)) this.setMyColor(user.color);
    this.addEvent([this.nameNode(user), ' changed their color']);
  }

  onRetype({ username, type }) {
    const known = this.roster.get(lower(username)) || { username };
    const user = { ...known, type };
    this.roster.set(lower(username), user);
    if (this.isMe(username)) {
      this.me = { ...this.me, type };
      this.updateMe();
    }
    const what = type === 'moderator' ? ' is now a moderator' : type === 'admin' ? ' is the streamer' : ' is no longer a moderator';
    this.addEvent([this.nameNode(user), what]);
  }

  onReturnColor({ color }) {
    this.setMyColor(color);
  }

  setMyColor(color) {
    const c = safeColor(color);
    if (!c || !this.me) return;
    this.me = { ...this.me, color: c };
    if (this.session) this.session.color = c;
    save('chat.color', c);
    this.updateMe();
  }

  onUserlist({ users }) {
    this.setRoster(users);
    const li = this.line('line-server');
    const text = document.createElement('span');
    text.className = 'text';
    const list = [...this.roster.values()];
    text.append(`In chat (${list.length}): `);
    list.forEach((u, i) => {
      if (i > 0) text.append(', ');
      text.append(this.nameNode(u));
    });
    li.append(text);
    this.append(li);
  }

  // ------------------------------------------------------------------ other server events

  onChangeTheme({ theme }) {
    if (applyTheme(theme)) this.addNotice('info', `Theme changed to ${theme}.`);
  }

  onPasswordSet({ password }) {
    if (password) {
      this.addNotice('server', `The viewer password is now “${password}”.`);
      // The streamer's own page needs the pass too (for /info, playlists and segments): get
      // the cookie the way the password form would, without leaving the page.
      const body = new URLSearchParams({ streampass: password });
      fetch(`/${encodeURIComponent(this.config.room)}/password`, { method: 'POST', body, redirect: 'manual' }).catch(
        () => {},
      );
    } else {
      this.addNotice('server', 'The viewer password was removed.');
    }
  }

  get isAdmin() {
    return this.me?.type === 'admin';
  }

  onPasswordActivated({ username }) {
    this.addNotice('server', `${username} protected the stream with a password.`);
    if (this.me?.type !== 'admin') {
      // This page has no pass for the new password: reload to be asked for it.
      this.addNotice('info', 'Reloading to ask for the password…');
      setTimeout(() => window.location.reload(), 2000);
    }
  }

  onAddEmote({ key, uri }) {
    const alias = String(key ?? '').replace(/^:|:$/g, '');
    if (alias && typeof uri === 'string') this.emotes.set(alias, uri);
  }

  onRemoveEmote({ key }) {
    this.emotes.delete(String(key ?? '').replace(/^:|:$/g, ''));
  }

  // ------------------------------------------------------------------ rendering lines

  nameNode({ username, type, color }) {
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

  addMessage({ username, type, color, message }, action) {
    const li = this.line(action ? 'line-action' : 'line-message');
    const c = safeColor(color);
    if (c) li.style.setProperty('--c', c);
    if (action) li.append('* ');
    li.append(this.nameNode({ username, type, color }));
    li.append(action ? ' ' : ': ');
    const text = document.createElement('span');
    text.className = 'text';
    renderText(text, message, this.emotes);
    li.append(text);
    if (this.me && !this.isMe(username) && mentions(message, this.me.username)) li.classList.add('mention');
    this.append(li);
  }

  addDrawing({ username, type, color, src }) {
    const url = safeImageUrl(src);
    if (!url || !url.startsWith('data:image/png;base64,')) return;
    const li = this.line('line-drawing');
    li.append(this.nameNode({ username, type, color }), ':');
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
    const text = document.createElement('span');
    text.className = 'text';
    renderText(text, String(msg ?? ''), this.emotes);
    li.append(text);
    this.append(li);
  }

  addEvent(parts) {
    const li = this.line('line-event');
    li.append(...parts);
    this.append(li);
  }

  // ------------------------------------------------------------------ scrolling

  initScrolling() {
    this.list.addEventListener('scroll', () => {
      if (this.atBottom()) this.clearUnseen();
    });
    this.newMessages.addEventListener('click', () => {
      this.scrollToBottom();
      this.input.focus();
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

  // ------------------------------------------------------------------ collapse / expand

  initCollapse() {
    const layout = this.root.closest('.stream-layout');
    const toggle = document.getElementById('chat-toggle');
    const close = $(this.root, '#chat-close');
    const set = (open) => {
      this.root.hidden = !open;
      layout?.classList.toggle('chat-collapsed', !open);
      if (toggle) {
        toggle.setAttribute('aria-expanded', String(open));
        toggle.querySelector('.chat-toggle-label').textContent = open ? 'Hide chat' : 'Show chat';
        toggle.setAttribute('aria-label', open ? 'Hide chat' : 'Show chat');
      }
      if (open && this.atBottom()) this.scrollToBottom();
    };
    toggle?.addEventListener('click', () => {
      const open = this.root.hidden;
      set(open);
      if (open) (this.composer.hidden ? $(this.loginForm, '#login-name') : this.input).focus();
    });
    close.addEventListener('click', () => {
      set(false);
      toggle?.focus();
    });
    set(!this.root.hidden);
  }

  // ------------------------------------------------------------------ composer and helpers

  initComposer() {
    this.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      const message = this.input.value;
      if (!message.trim()) return;
      if (this.socket.send('message', { message })) {
        this.input.value = '';
        this.history.unshift(message);
        this.history.length = Math.min(this.history.length, 50);
        this.historyIndex = -1;
      } else {
        this.addNotice('warning', 'Not connected — your message was not sent.');
      }
    });
    this.history = [];
    this.historyIndex = -1;
    this.input.addEventListener('keydown', (e) => this.onHistoryKey(e));

    this.typeahead = new Typeahead(this.input, $(this.root, '#typeahead'), $(this.root, '#typeahead-list'), {
      ':': { minChars: 1, suggest: (q) => this.suggestEmoji(q) },
      '@': { minChars: 0, suggest: (q) => this.suggestUsers(q) },
    });

    const focusInput = (returnFocus) => {
      if (returnFocus) this.input.focus();
    };
    this.emojiPicker = new EmojiPicker($(this.root, '#emoji-picker'), $(this.root, '#emoji-button'), {
      dataUrl: this.emojiDataUrl(),
      emotes: this.emotes,
      onPick: (text) => this.insertAtCaret(text),
      onClose: focusInput,
    });
    this.drawPanel = new DrawPanel($(this.root, '#draw-panel'), $(this.root, '#draw-button'), {
      userColor: () => this.me?.color,
      onSend: (src) => {
        if (this.socket.send('drawing', { src })) return true;
        this.addNotice('warning', 'Not connected — your drawing was not sent.');
        return false;
      },
      onClose: focusInput,
    });
    // Only one popup at a time.
    $(this.root, '#emoji-button').addEventListener('click', () => this.drawPanel.close(false));
    $(this.root, '#draw-button').addEventListener('click', () => this.emojiPicker.close(false));
  }

  /** Up/Down on an empty or recalled line walks through what this user sent. */
  onHistoryKey(e) {
    if (this.typeahead.isOpen || e.isComposing) return;
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    const recalled = this.historyIndex >= 0 && this.input.value === this.history[this.historyIndex];
    if (this.input.value && !recalled) return;
    const next = this.historyIndex + (e.key === 'ArrowUp' ? 1 : -1);
    if (next < -1 || next >= this.history.length) return;
    e.preventDefault();
    this.historyIndex = next;
    this.input.value = next === -1 ? '' : this.history[next];
  }

  emojiDataUrl() {
    return document.getElementById('chat').dataset.emojiSrc;
  }

  prefetchEmoji() {
    if (this.emojiData) return;
    loadEmojiData(this.emojiDataUrl())
      .then((data) => {
        this.emojiData = data;
        if (document.activeElement === this.input) this.typeahead.update();
      })
      .catch(() => {});
  }

  suggestEmoji(query) {
    if (!this.emojiData) this.prefetchEmoji();
    return searchEmoji(this.emojiData, this.emotes, query).map((r) => ({
      value: r.insert,
      label: `:${r.name}:`,
      glyph: glyphFor(r, this.emotes),
      hint: r.kind === 'custom' ? 'emote' : undefined,
    }));
  }

  suggestUsers(query) {
    const q = lower(query);
    const ranked = [];
    for (const u of this.roster.values()) {
      if (this.isMe(u.username)) continue;
      const name = lower(u.username);
      const s = name.startsWith(q) ? 0 : name.includes(q) ? 1 : -1;
      if (s >= 0) ranked.push({ s, u });
    }
    ranked.sort((a, b) => a.s - b.s || lower(a.u.username).localeCompare(lower(b.u.username)));
    return ranked.map(({ u }) => {
      const labelNode = document.createElement('span');
      labelNode.append(this.nameNode(u));
      return { value: `@${u.username}`, label: u.username, labelNode, hint: BADGES[u.type]?.title };
    });
  }

  insertAtCaret(text) {
    const { value } = this.input;
    const start = this.input.selectionStart ?? value.length;
    const end = this.input.selectionEnd ?? value.length;
    const before = value.slice(0, start);
    const pad = before && !/\s$/.test(before) && text.startsWith(':') ? ' ' : '';
    const insert = `${pad}${text}`;
    this.input.value = before + insert + value.slice(end);
    const caret = start + insert.length;
    this.input.focus();
    this.input.setSelectionRange(caret, caret);
  }
}
