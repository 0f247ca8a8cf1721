// Joining the chat: the nickname + color form, the secret prompt (the stream key for the
// streamer's own name, the password of a registered name), and joining again under the same
// name (and secret, kept in memory only) after the connection drops.
import { safeColor } from './render.js';
import { load, save } from './storage.js';

const $ = (root, selector) => root.querySelector(selector);

export class LoginFlow {
  /**
   * `hooks`: `setPhase(phase)` shows the login form, the key prompt or the composer;
   * `notice(kind, text)` adds a line to the chat.
   */
  constructor(root, socket, config, hooks) {
    this.socket = socket;
    this.config = config;
    this.hooks = hooks;
    this.loginForm = $(root, '#login-form');
    this.keyForm = $(root, '#key-form');
    this.nameInput = $(this.loginForm, '#login-name');
    this.keyInput = $(this.keyForm, '#key-input');
    this.secret = 'key'; // what the prompt asks for: 'key' or 'password'
    this.session = null; // { username, color, key?, password? } to re-join after a drop
    this.pending = null; // the login request in flight
    this.rejoinAttempts = 0;
    this.initForms();
  }

  initForms() {
    const savedName = load('chat.name');
    if (typeof savedName === 'string') this.nameInput.value = savedName;
    const savedColor = safeColor(load('chat.color'));
    const radios = [...this.loginForm.querySelectorAll('input[name="color"]')];
    const match = savedColor && radios.find((r) => r.value.toLowerCase() === savedColor.toLowerCase());
    if (match) match.checked = true;
    else if (!savedColor && radios.length) radios[Math.floor(Math.random() * radios.length)].checked = true;

    this.loginForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const username = this.nameInput.value.trim();
      if (!username) {
        this.showError(this.loginForm, '#login-error', 'Pick a nickname first.');
        this.nameInput.focus();
        return;
      }
      const checked = this.loginForm.querySelector('input[name="color"]:checked');
      const color = checked ? checked.value : savedColor || '#3e7bfa';
      save('chat.name', username);
      this.login({ username, color });
    });

    this.keyForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = this.keyInput.value;
      if (!value || !this.pending) return;
      this.login({ ...this.pending, [this.secret]: value });
    });
    $(this.keyForm, '#key-cancel').addEventListener('click', () => {
      this.pending = null;
      this.hooks.setPhase('login');
      this.nameInput.focus();
      this.nameInput.select();
    });
  }

  /** The socket (re)opened: re-join after a drop, or send the login that waited for it. */
  onOpen() {
    if (this.session) {
      // Back after a drop: join again with the same name (and key, for the streamer).
      this.pending = { ...this.session, rejoin: true };
      this.send(this.pending);
    } else if (this.pending) {
      this.send(this.pending);
    }
  }

  send({ username, color, key, password }) {
    const data = { streamer: this.config.username, username, color };
    if (key !== undefined) data.key = key;
    if (password !== undefined) data.password = password;
    return this.socket.send('login', data);
  }

  login(request) {
    this.pending = request;
    this.setBusy(true);
    this.showError(this.loginForm, '#login-error', null);
    this.showError(this.keyForm, '#key-error', null);
    // Not connected right now: the request goes out as soon as the socket opens.
    this.send(request);
  }

  setBusy(busy) {
    for (const form of [this.loginForm, this.keyForm]) {
      for (const b of form.querySelectorAll('button[type="submit"]')) b.disabled = busy;
    }
    $(this.loginForm, '#login-submit').textContent = busy ? 'Joining…' : 'Join chat';
  }

  showError(form, selector, message) {
    const p = $(form, selector);
    p.hidden = !message;
    p.textContent = message || '';
  }

  onKeyRequired({ username }) {
    this.askSecret('key', username);
  }

  onPasswordRequired({ username }) {
    this.askSecret('password', username);
  }

  /** The name needs a secret (`kind`: 'key' or 'password'): the prompt asks for it. */
  askSecret(kind, username) {
    this.setBusy(false);
    if (!this.pending) return;
    if (this.pending.rejoin) {
      // Secrets are kept in memory only; without one, ask again.
      this.session = null;
    }
    const had = this.pending[kind] !== undefined;
    delete this.pending.key;
    delete this.pending.password;
    this.secret = kind;
    const name = username || this.pending.username;
    const streamer = kind === 'key';
    this.hooks.setPhase('key');
    $(this.keyForm, '#key-title').textContent = streamer ? 'Streamer login' : 'Registered name';
    $(this.keyForm, '#key-label').textContent = streamer ? 'Stream key' : 'Password';
    $(this.keyForm, '#key-prompt').textContent = streamer
      ? `“${name}” is the streamer’s name. Enter the stream key to log in as the streamer.`
      : `“${name}” is a registered name. Enter its password to log in.`;
    this.keyInput.value = '';
    if (had) this.showError(this.keyForm, '#key-error', `Invalid ${streamer ? 'key' : 'password'}, try again.`);
    this.keyInput.focus();
  }

  /** Logged in as `username` in `color`; whether it was a re-join after a drop. */
  succeeded(username, color) {
    const rejoin = this.pending?.rejoin === true;
    const { key, password } = this.pending || {};
    this.pending = null;
    this.rejoinAttempts = 0;
    this.setBusy(false);
    this.session = { username, color };
    if (key !== undefined) this.session.key = key;
    if (password !== undefined) this.session.password = password;
    save('chat.name', username);
    save('chat.color', color);
    this.keyInput.value = '';
    return rejoin;
  }

  /** An `error` frame: true when it answered a login in flight (and was shown here). */
  onError(text) {
    const request = this.pending;
    if (!request) return false;
    this.pending = null;
    this.setBusy(false);
    if (request.rejoin) {
      // The old connection may not be gone on the server yet: try a few more times.
      this.rejoinAttempts += 1;
      if (this.rejoinAttempts <= 3 && this.session) {
        setTimeout(() => {
          if (!this.socket.isOpen || !this.session) return;
          this.pending = { ...this.session, rejoin: true };
          this.send(this.pending);
        }, 1500 * this.rejoinAttempts);
        return true;
      }
      this.session = null;
      this.hooks.notice('error', `Could not rejoin: ${text}`);
      this.hooks.setPhase('login');
      this.showError(this.loginForm, '#login-error', text);
    } else if (request.key !== undefined || request.password !== undefined) {
      const { key: _key, password: _password, ...rest } = request;
      this.pending = rest;
      this.hooks.setPhase('key');
      this.showError(this.keyForm, '#key-error', text);
      this.keyInput.select();
    } else {
      this.hooks.setPhase('login');
      this.showError(this.loginForm, '#login-error', text);
      this.nameInput.focus();
    }
    return true;
  }

  /** Out of the chat (kicked, banned): nothing to re-join, and no login waits for an answer. */
  forget() {
    this.session = null;
    this.pending = null;
    this.setBusy(false);
  }

  /** The chatter's name or color changed: a re-join uses the new ones. */
  remember(changes) {
    if (this.session) Object.assign(this.session, changes);
    if (changes.username) save('chat.name', changes.username);
    if (changes.color) save('chat.color', changes.color);
  }
}
