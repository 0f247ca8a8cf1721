// The moderators' and the streamer's menu on a chat line: delete it, time its author out for
// 10 minutes, or ban them — each sent as the chat command (`/delete ID`, `/timeout NAME 10m`,
// `/ban NAME`), so the server's rank rules decide. Opened by the line's menu button (keyboard:
// Enter/Space, then arrow keys, Home/End, Escape) or a click on the author's name.

const ITEMS = [
  { action: 'delete', label: 'Delete message', command: (line) => `/delete ${line.id}` },
  { action: 'timeout', label: 'Timeout 10 minutes', command: (line) => `/timeout ${line.username} 10m`, others: true },
  { action: 'ban', label: 'Ban', command: (line) => `/ban ${line.username}`, others: true },
];

export class LineMenu {
  /** `isStaff()`: whether this chatter may moderate; `myName()`: its name, or null. */
  constructor(list, socket, { isStaff, myName, notice }) {
    Object.assign(this, { list, socket, isStaff, myName, notice });
    this.lines = new WeakMap(); // li -> { id, username }
    this.target = null; // the li whose menu is open, and the button that opened it
    this.opener = null;
    this.menu = document.createElement('div');
    this.menu.className = 'line-menu';
    this.menu.id = 'line-menu';
    this.menu.setAttribute('role', 'menu');
    this.menu.hidden = true;
    this.items = ITEMS.map((item) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.setAttribute('role', 'menuitem');
      b.dataset.action = item.action;
      b.textContent = item.label;
      b.tabIndex = -1;
      b.addEventListener('click', () => this.run(item));
      this.menu.append(b);
      return { item, button: b };
    });
    list.parentElement.append(this.menu);
    this.menu.addEventListener('keydown', (e) => this.onKey(e));
    list.addEventListener('click', (e) => this.onListClick(e));
    document.addEventListener('pointerdown', (e) => {
      if (this.target && !this.menu.contains(e.target) && !e.target.closest?.('.line-menu-button')) this.close(false);
    });
  }

  /** Gives a chat line `{ id, username }` its menu button (shown to staff only, by CSS). */
  decorate(li, line) {
    if (typeof line.id !== 'string' || !line.id) return;
    this.lines.set(li, { id: line.id, username: String(line.username ?? '') });
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'line-menu-button';
    b.setAttribute('aria-haspopup', 'menu');
    b.setAttribute('aria-expanded', 'false');
    b.setAttribute('aria-controls', 'line-menu');
    b.setAttribute('aria-label', `Moderate ${line.username}'s message`);
    b.textContent = '⋯';
    li.append(b);
  }

  onListClick(e) {
    const li = e.target.closest?.('.line');
    if (!li || !this.lines.has(li) || !this.isStaff()) return;
    const button = li.querySelector('.line-menu-button');
    if (e.target.closest('.line-menu-button') || e.target.closest('.name')) {
      if (this.target === li) this.close(true);
      else this.open(li, button);
    }
  }

  open(li, opener) {
    this.close(false);
    const line = this.lines.get(li);
    const mine = (this.myName() ?? '').toLowerCase() === line.username.toLowerCase();
    for (const { item, button } of this.items) button.hidden = Boolean(item.others && mine);
    this.target = li;
    this.opener = opener;
    opener.setAttribute('aria-expanded', 'true');
    li.classList.add('menu-open');
    this.menu.setAttribute('aria-label', `Moderate ${line.username}'s message`);
    this.menu.hidden = false;
    const wrap = this.list.parentElement.getBoundingClientRect();
    const at = opener.getBoundingClientRect();
    const top = Math.min(at.bottom - wrap.top, wrap.height - this.menu.offsetHeight - 4);
    this.menu.style.top = `${Math.max(4, top)}px`;
    this.visible()[0]?.focus();
  }

  /** Closes the menu; the focus goes back to the line's button when `refocus`. */
  close(refocus) {
    if (!this.target) return;
    this.opener?.setAttribute('aria-expanded', 'false');
    this.target.classList.remove('menu-open');
    this.menu.hidden = true;
    if (refocus && this.opener?.isConnected) this.opener.focus();
    this.target = null;
    this.opener = null;
  }

  /** A line was deleted: its menu goes with it. */
  forget(li) {
    if (this.target === li) this.close(false);
  }

  visible() {
    return this.items.filter(({ button }) => !button.hidden).map(({ button }) => button);
  }

  onKey(e) {
    const items = this.visible();
    const at = items.indexOf(document.activeElement);
    const move = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[e.key];
    if (move !== undefined) {
      e.preventDefault();
      items[(move + items.length) % items.length]?.focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      this.close(true);
    } else if (e.key === 'Tab') {
      this.close(false);
    }
  }

  run(item) {
    const line = this.target && this.lines.get(this.target);
    if (!line) return;
    const message = item.command(line);
    this.close(true);
    if (!this.socket.send('message', { message })) this.notice('error', 'Not connected: try again in a moment.');
  }
}
