// Writing in the chat: the input with its sent-line history (Up/Down), the `:` emoji and `@`
// user type-aheads, the emoji picker and the pictochat drawing panel.
import { DrawPanel } from './draw.js';
import { EmojiPicker, glyphFor, loadEmojiData, searchEmoji } from './emoji.js';
import { BADGES, nameNode } from './messages.js';
import { Typeahead } from './typeahead.js';

const $ = (root, selector) => root.querySelector(selector);
const HISTORY = 50;

export class Composer {
  /**
   * `ctx`: `emotes` (alias -> uri), `roster` (a Roster), `me()` (the chatter or null),
   * `notice(kind, text)` for lines about what could not be sent.
   */
  constructor(root, socket, ctx) {
    this.root = root;
    this.socket = socket;
    this.ctx = ctx;
    this.form = $(root, '#composer');
    this.input = $(root, '#chat-input');
    this.emojiData = null;
    this.history = [];
    this.historyIndex = -1;

    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.sendLine();
    });
    this.input.addEventListener('keydown', (e) => this.onHistoryKey(e));

    this.typeahead = new Typeahead(this.input, $(root, '#typeahead'), $(root, '#typeahead-list'), {
      ':': { minChars: 1, suggest: (q) => this.suggestEmoji(q) },
      '@': { minChars: 0, suggest: (q) => this.suggestUsers(q) },
    });
    const focusInput = (returnFocus) => {
      if (returnFocus) this.input.focus();
    };
    this.emojiPicker = new EmojiPicker($(root, '#emoji-picker'), $(root, '#emoji-button'), {
      dataUrl: this.emojiDataUrl(),
      emotes: ctx.emotes,
      onPick: (text) => this.insertAtCaret(text),
      onClose: focusInput,
    });
    this.drawPanel = new DrawPanel($(root, '#draw-panel'), $(root, '#draw-button'), {
      userColor: () => ctx.me()?.color,
      onSend: (src) => {
        if (this.socket.send('drawing', { src })) return true;
        ctx.notice('warning', 'Not connected — your drawing was not sent.');
        return false;
      },
      onClose: focusInput,
    });
    // Only one popup at a time.
    $(root, '#emoji-button').addEventListener('click', () => this.drawPanel.close(false));
    $(root, '#draw-button').addEventListener('click', () => this.emojiPicker.close(false));
  }

  get hidden() {
    return this.form.hidden;
  }

  set hidden(hidden) {
    this.form.hidden = hidden;
    if (hidden) {
      this.emojiPicker.close(false);
      this.drawPanel.close(false);
    }
  }

  focus() {
    this.input.focus();
  }

  sendLine() {
    const message = this.input.value;
    if (!message.trim()) return;
    if (this.socket.send('message', { message })) {
      this.input.value = '';
      this.history.unshift(message);
      this.history.length = Math.min(this.history.length, HISTORY);
      this.historyIndex = -1;
    } else {
      this.ctx.notice('warning', 'Not connected — your message was not sent.');
    }
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
    const { emotes } = this.ctx;
    return searchEmoji(this.emojiData, emotes, query).map((r) => ({
      value: r.insert,
      label: `:${r.name}:`,
      glyph: glyphFor(r, emotes),
      hint: r.kind === 'custom' ? 'emote' : undefined,
    }));
  }

  /**
   * Names for `@query`: those this page knows, and — the page holds only part of a big room's
   * roster (SPEC §5a) — those the server finds for the prefix, merged in when they arrive.
   */
  suggestUsers(query) {
    if (query !== this.askedPrefix) {
      this.askedPrefix = query;
      clearTimeout(this.findTimer);
      this.findTimer = setTimeout(() => this.socket.send('find users', { prefix: query }), 150);
    }
    return this.ctx.roster.matching(query, this.ctx.me()?.username).map((u) => {
      const labelNode = document.createElement('span');
      labelNode.append(nameNode(u));
      return { value: `@${u.username}`, label: u.username, labelNode, hint: BADGES[u.type]?.title };
    });
  }

  /**
   * `users found`: what the server knows of the prefix asked. Names this page did not know are
   * added and the suggestions redrawn (only then: a redraw resets the highlighted one).
   */
  usersFound(users) {
    const { roster } = this.ctx;
    const fresh = (users || []).filter((u) => u && typeof u.username === 'string' && !roster.has(u.username));
    for (const u of fresh) roster.join(u);
    if (fresh.length) this.typeahead.update();
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
