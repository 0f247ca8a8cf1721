// The room's roster as this page knows it: the first page at login (and on /users; a big
// room's other members arrive as pages are asked for and names are looked up, SPEC §5a), then
// kept current from the server's deltas (connected, disconnected, rename, recolor, retype).

const lower = (name) => String(name).toLowerCase();

export class Roster {
  constructor() {
    this.users = new Map(); // lowercased name -> { username, type, color }
  }

  /** Replaces the whole roster (login success, /users). */
  replace(users) {
    this.users.clear();
    if (!Array.isArray(users)) return;
    for (const u of users) if (u && typeof u.username === 'string') this.users.set(lower(u.username), u);
  }

  /** Whether `name` is known (letter case aside). */
  has(name) {
    return this.users.has(lower(name));
  }

  get size() {
    return this.users.size;
  }

  list() {
    return [...this.users.values()];
  }

  join(user) {
    this.users.set(lower(user.username), user);
  }

  leave(user) {
    this.users.delete(lower(user.username));
  }

  /** `oldname` is now `user.username`; returns the new entry. */
  rename(oldname, user) {
    this.users.delete(lower(oldname));
    this.users.set(lower(user.username), user);
    return user;
  }

  /** Merges a changed entry (recolor, retype) into what is known; returns the result. */
  update(username, changes) {
    const user = { ...(this.users.get(lower(username)) || { username }), ...changes };
    this.users.set(lower(username), user);
    return user;
  }

  /** Chatters whose name starts with (then contains) `query`, best first, `except` left out. */
  matching(query, except) {
    const q = lower(query);
    const ranked = [];
    for (const u of this.users.values()) {
      const name = lower(u.username);
      if (except && name === lower(except)) continue;
      const s = name.startsWith(q) ? 0 : name.includes(q) ? 1 : -1;
      if (s >= 0) ranked.push({ s, u, name });
    }
    ranked.sort((a, b) => a.s - b.s || a.name.localeCompare(b.name));
    return ranked.map(({ u }) => u);
  }
}
