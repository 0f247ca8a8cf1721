// Being sent out of the chat, shown plainly: `kicked {by}` brings the login form back (one may
// join again at once); `banned {reason, until}` replaces the composer and the login form by a
// notice saying why and until when, and brings the login form back once the ban has ended.

const $ = (root, selector) => root.querySelector(selector);

/** The longest wait `setTimeout` keeps (about 24.8 days); longer bans stay until a reload. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function when(until) {
  return new Date(until).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export class Sanctions {
  /**
   * `hooks`: `leave()` forgets the chatter (no re-join after a drop), `setPhase(phase)`,
   * `notice(kind, text)`, `focusLogin()`.
   */
  constructor(root, hooks) {
    this.hooks = hooks;
    this.box = $(root, '#sanction-notice');
    this.text = $(root, '#sanction-text');
    this.timer = null;
  }

  onKicked({ by }) {
    this.hooks.leave();
    const who = typeof by === 'string' && by ? by : 'a moderator';
    this.hooks.notice('error', `You were removed from the chat by ${who}. You may join again.`);
    this.hooks.setPhase('login');
    this.hooks.focusLogin();
  }

  onBanned({ reason, until }) {
    this.hooks.leave();
    const ends = Number.isFinite(until) ? `until ${when(until)}` : 'until the streamer lifts the ban';
    const why = typeof reason === 'string' && reason ? ` Reason: ${reason}` : '';
    const text = `You are banned from this chat ${ends}.${why}`;
    this.hooks.notice('error', text);
    this.text.textContent = text;
    this.hooks.setPhase('banned');
    clearTimeout(this.timer);
    const left = Number.isFinite(until) ? until - Date.now() : Infinity;
    if (left <= MAX_TIMER_MS) {
      this.timer = setTimeout(() => {
        this.hooks.notice('info', 'Your ban has ended: you may join the chat again.');
        this.hooks.setPhase('login');
      }, Math.max(0, left));
    }
  }

  /** Shown while the phase is `banned`. */
  show(banned) {
    this.box.hidden = !banned;
  }
}
