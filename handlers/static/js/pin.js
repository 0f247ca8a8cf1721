// The room's rules as the page shows them: the pinned message above the chat (`pinned`,
// rendered as text with safe links and emotes, hidden when there is none) and the modes as a
// hint over the composer (`room rules`: slow mode, emote-only, links, chat mode). The server sends both
// after `login success` when they are set, and again on every change.
import { renderText } from './render.js';

/** "30 s", "2 min", "1 h 30 min": a slow-mode interval as readers say it. */
function interval(secs) {
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  if (!h && !m) return `${s} s`;
  return [h && `${h} h`, m && `${m} min`, s && `${s} s`].filter(Boolean).join(' ');
}

/** The hint's parts for the modes a room has (none: no hint). */
export function modeHints({ slow = 0, emote_only: emoteOnly = false, links = 'on', chatmode = 'all' } = {}) {
  const parts = [];
  if (Number.isInteger(slow) && slow > 0) parts.push(`Slow mode: one message every ${interval(slow)}`);
  if (emoteOnly === true) parts.push('Emote-only: emoji and emotes only');
  if (links === 'off') parts.push('Links are off');
  if (links === 'mods') parts.push('Only moderators may post links');
  if (chatmode === 'registered') parts.push('Only registered names may chat');
  return parts;
}

export class RoomRules {
  constructor(root, socket, emotes) {
    this.box = root.querySelector('#pinned');
    this.text = root.querySelector('#pinned-text');
    this.hint = root.querySelector('#composer-hint');
    this.emotes = emotes;
    socket.on('pinned', (d) => this.showPin(d?.message));
    socket.on('room rules', (d) => this.showModes(d));
    // What a (re)joined room has set comes right after: start from none.
    socket.on('login success', () => {
      this.showPin(null);
      this.showModes({});
    });
  }

  showPin(message) {
    if (!this.box) return;
    const text = typeof message === 'string' ? message : '';
    this.box.hidden = !text;
    this.text.replaceChildren();
    if (text) renderText(this.text, text, this.emotes);
  }

  showModes(modes) {
    if (!this.hint) return;
    const parts = modeHints(modes);
    this.hint.textContent = parts.join(' · ');
    this.hint.hidden = parts.length === 0;
  }
}
