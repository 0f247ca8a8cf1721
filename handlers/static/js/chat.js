// The chat pane: wires the socket's events to its parts — joining (login.js), the roster kept
// current from deltas (roster.js), the message list (messages.js) with its moderators' line
// menu (linemenu.js) and writing (composer.js) —
// and being sent out (sanctions.js) —
// and handles what is left: connection status, themes, the viewer password, emotes, collapsing.
import { Composer } from './composer.js';
import { LineMenu } from './linemenu.js';
import { LoginFlow } from './login.js';
import { MessageList, nameNode } from './messages.js';
import { RoomRules } from './pin.js';
import { safeColor } from './render.js';
import { Roster } from './roster.js';
import { Sanctions } from './sanctions.js';
import { applyTheme } from './theme.js';

const STATUS_TEXT = { connecting: 'Connecting…', online: 'Connected', reconnecting: 'Reconnecting…' };

const $ = (root, selector) => root.querySelector(selector);
const lower = (name) => String(name).toLowerCase();

export class Chat {
  constructor(root, socket, config) {
    this.root = root;
    this.socket = socket;
    this.config = config;
    this.status = $(root, '#chat-status');
    this.meChip = $(root, '#me');

    this.emotes = new Map();
    for (const e of config.emotes || []) {
      if (e && typeof e.alias === 'string' && typeof e.uri === 'string') this.emotes.set(e.alias, e.uri);
    }
    this.me = null; // { username, type, color } once logged in
    this.roster = new Roster();
    this.messages = new MessageList($(root, '#messages'), $(root, '#new-messages'), {
      emotes: this.emotes,
      myName: () => this.me?.username ?? null,
    });
    const notice = (kind, text) => this.messages.addNotice(kind, text);
    this.lineMenu = new LineMenu($(root, '#messages'), socket, {
      isStaff: () => this.me?.type === 'admin' || this.me?.type === 'moderator',
      myName: () => this.me?.username ?? null,
      notice,
    });
    this.messages.decorate = (li, line) => this.lineMenu.decorate(li, line);
    this.loginFlow = new LoginFlow(root, socket, config, { setPhase: (p) => this.setPhase(p), notice });
    this.composer = new Composer(root, socket, {
      emotes: this.emotes,
      roster: this.roster,
      me: () => this.me,
      notice,
    });
    $(root, '#new-messages').addEventListener('click', () => {
      this.messages.scrollToBottom();
      this.composer.focus();
    });
    this.rules = new RoomRules(root, socket, this.emotes);
    this.sanctions = new Sanctions(root, {
      leave: () => this.leave(),
      setPhase: (p) => this.setPhase(p),
      notice,
      focusLogin: () => this.loginFlow.nameInput.focus(),
    });
    this.initCollapse();
    this.bindSocket();
  }

  bindSocket() {
    const s = this.socket;
    const m = this.messages;
    s.on('status', (status) => this.showStatus(status));
    s.on('open', () => this.loginFlow.onOpen());
    s.on('close', () => this.onClose());
    s.on('login success', (d) => this.onLoginSuccess(d));
    s.on('login key required', (d) => this.loginFlow.onKeyRequired(d));
    s.on('login password required', (d) => this.loginFlow.onPasswordRequired(d));
    s.on('error', (d) => this.onError(d));
    s.on('warning', (d) => m.addNotice('warning', d.msg));
    s.on('server', (d) => m.addNotice('server', d.msg));
    s.on('message received', (d) => m.addMessage(d, false));
    s.on('action received', (d) => m.addMessage(d, true));
    s.on('drawing received', (d) => m.addDrawing(d));
    s.on('history', (d) => m.addHistory(d.messages));
    s.on('message deleted', (d) => {
      const li = m.removeLine(d.id);
      if (li) this.lineMenu.forget(li);
    });
    s.on('connected', (d) => this.onConnected(d));
    s.on('disconnected', (d) => this.onDisconnected(d));
    s.on('rename', (d) => this.onRename(d));
    s.on('recolor', (d) => this.onRecolor(d));
    s.on('retype', (d) => this.onRetype(d));
    s.on('return color', (d) => this.setMyColor(d.color));
    // A page of the roster (SPEC §5a): the first one replaces what is known, later ones add.
    s.on('userlist', (d) => {
      const users = Array.isArray(d.users) ? d.users : [];
      if (!d.offset) this.roster.replace(users);
      else for (const u of users) if (u && typeof u.username === 'string') this.roster.join(u);
      const next = (d.offset || 0) + users.length;
      const more = d.count > next ? () => s.send('get users', { offset: next }) : null;
      m.addUserlist(users, { offset: d.offset || 0, count: d.count ?? users.length, more });
    });
    s.on('users found', (d) => this.composer.usersFound(d.users));
    s.on('change theme', (d) => {
      if (applyTheme(d.theme)) m.addNotice('info', `Theme changed to ${d.theme}.`);
    });
    s.on('password set', (d) => this.onPasswordSet(d));
    s.on('password activated', (d) => this.onPasswordActivated(d));
    s.on('password deactivated', (d) => m.addNotice('server', d.msg || `${d.username} removed the stream password.`));
    s.on('add emote', (d) => this.onAddEmote(d));
    s.on('remove emote', (d) => this.emotes.delete(emoteAlias(d.key)));
    s.on('kicked', (d) => this.sanctions.onKicked(d));
    s.on('banned', (d) => this.sanctions.onBanned(d));
    this.showStatus(s.status);
  }

  showStatus(status) {
    this.status.dataset.status = status;
    this.status.textContent = STATUS_TEXT[status] || status;
    this.root.dataset.connection = status;
  }

  onClose() {
    if (this.me) {
      this.messages.addNotice('info', 'Connection lost. Reconnecting…');
      this.me = null;
    }
  }

  setPhase(phase) {
    this.root.dataset.phase = phase;
    this.loginFlow.loginForm.hidden = phase !== 'login';
    this.loginFlow.keyForm.hidden = phase !== 'key';
    this.composer.hidden = phase !== 'chat';
    this.sanctions?.show(phase === 'banned');
  }

  /** Out of the room (kicked, banned): no longer anyone, and not to re-join after a drop. */
  leave() {
    this.me = null;
    this.loginFlow.forget();
    this.updateMe();
    this.showStaff();
  }

  onLoginSuccess({ username, type, color, users }) {
    this.me = { username, type, color: safeColor(color) || '#8d8d99' };
    const rejoin = this.loginFlow.succeeded(username, this.me.color);
    this.roster.replace(users);
    this.updateMe();
    this.showStaff();
    this.setPhase('chat');
    if (rejoin) {
      this.messages.addNotice('info', 'Reconnected.');
    } else {
      this.messages.addNotice('info', `You joined the chat as ${username}. Type /help for commands.`);
      this.composer.focus();
    }
    this.composer.prefetchEmoji();
  }

  onError({ msg }) {
    // A banned page's refused login: the ban notice already says it.
    if (this.root.dataset.phase === 'banned') return;
    const text = typeof msg === 'string' && msg ? msg : 'Something went wrong.';
    if (!this.loginFlow.onError(text)) this.messages.addNotice('error', text);
  }

  get isAdmin() {
    return this.me?.type === 'admin';
  }

  isMe(name) {
    return this.me !== null && lower(name) === lower(this.me.username);
  }

  /** Moderators and the streamer see the line menus. */
  showStaff() {
    const staff = this.me?.type === 'admin' || this.me?.type === 'moderator';
    this.root.toggleAttribute('data-staff', staff);
    if (!staff) this.lineMenu.close(false);
  }

  updateMe() {
    this.meChip.replaceChildren();
    if (!this.me) return;
    this.meChip.append(nameNode(this.me));
    this.meChip.title = `You are chatting as ${this.me.username}`;
  }

  setMyColor(color) {
    const c = safeColor(color);
    if (!c || !this.me) return;
    this.me = { ...this.me, color: c };
    this.loginFlow.remember({ color: c });
    this.updateMe();
  }

  // ------------------------------------------------------------------ roster deltas

  onConnected(user) {
    this.roster.join(user);
    this.messages.addEvent([nameNode(user), ' joined the chat']);
  }

  onDisconnected(user) {
    this.roster.leave(user);
    this.messages.addEvent([nameNode(user), ' left the chat']);
  }

  onRename({ oldname, newname, type, color }) {
    const user = this.roster.rename(oldname, { username: newname, type, color });
    if (this.isMe(oldname)) {
      this.me = { ...this.me, username: newname, type, color: safeColor(color) || this.me.color };
      this.loginFlow.remember({ username: newname });
      this.updateMe();
      this.messages.addEvent(['You are now known as ', nameNode(user)]);
    } else {
      this.messages.addEvent([nameNode({ username: oldname, type, color }), ' is now known as ', nameNode(user)]);
    }
  }

  onRecolor(user) {
    const known = this.roster.update(user.username, user);
    if (this.isMe(user.username)) this.setMyColor(user.color);
    this.messages.addEvent([nameNode(known), ' changed their color']);
  }

  onRetype({ username, type }) {
    const user = this.roster.update(username, { type });
    if (this.isMe(username)) {
      this.me = { ...this.me, type };
      this.updateMe();
      this.showStaff();
    }
    const what =
      type === 'moderator' ? ' is now a moderator' : type === 'admin' ? ' is the streamer' : ' is no longer a moderator';
    this.messages.addEvent([nameNode(user), what]);
  }

  // ------------------------------------------------------------------ stream settings, emotes

  onPasswordSet({ password }) {
    if (!password) {
      this.messages.addNotice('server', 'The viewer password was removed.');
      return;
    }
    this.messages.addNotice('server', `The viewer password is now “${password}”.`);
    // The streamer's own page needs the pass too (for /info, playlists and segments): get
    // the cookie the way the password form would, without leaving the page.
    const body = new URLSearchParams({ streampass: password });
    fetch(`/${encodeURIComponent(this.config.room)}/password`, { method: 'POST', body, redirect: 'manual' }).catch(
      () => {},
    );
  }

  onPasswordActivated({ username }) {
    this.messages.addNotice('server', `${username} protected the stream with a password.`);
    if (!this.isAdmin) {
      // This page has no pass for the new password: reload to be asked for it.
      this.messages.addNotice('info', 'Reloading to ask for the password…');
      setTimeout(() => window.location.reload(), 2000);
    }
  }

  onAddEmote({ key, uri }) {
    const alias = emoteAlias(key);
    if (alias && typeof uri === 'string') this.emotes.set(alias, uri);
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
      if (open && this.messages.atBottom()) this.messages.scrollToBottom();
    };
    toggle?.addEventListener('click', () => {
      const open = this.root.hidden;
      set(open);
      if (open) (this.composer.hidden ? this.loginFlow.nameInput : this.composer.input).focus();
    });
    close.addEventListener('click', () => {
      set(false);
      toggle?.focus();
    });
    set(!this.root.hidden);
  }
}

/** `:alias:` → `alias`. */
function emoteAlias(key) {
  return String(key ?? '').replace(/^:|:$/g, '');
}
