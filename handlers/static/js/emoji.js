// Emoji: the vendored gemoji data (the names the server's `:shortcode:` conversion understands),
// a ranked search over it plus the room's custom emotes, and the emoji picker.
import { onListKey } from './listkeys.js';
import { emoteImage } from './render.js';

let dataPromise = null;

/** Loads the gemoji data once: { categories: [{ name, emoji: [{ char, names, tags }] }], all }. */
export function loadEmojiData(url) {
  if (!dataPromise) {
    dataPromise = fetch(url)
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`emoji data: ${res.status}`))))
      .then((raw) => {
        const categories = raw.categories.map((c) => ({
          name: c.name,
          emoji: c.emoji.map(([char, names, tags]) => ({ char, names, tags })),
        }));
        return { categories, all: categories.flatMap((c) => c.emoji) };
      })
      .catch((err) => {
        dataPromise = null;
        throw err;
      });
  }
  return dataPromise;
}

/** How well `word` matches `q` (lower is better; Infinity = no match). */
function score(word, q) {
  if (word === q) return 0;
  if (word.startsWith(q)) return 1;
  if (word.includes(`_${q}`)) return 2;
  if (word.includes(q)) return 3;
  return Infinity;
}

/**
 * Ranked matches for `query`: custom emotes (alias → uri) and gemoji entries.
 * Each result: { kind: 'custom'|'emoji', name, char?, uri?, insert }.
 */
export function searchEmoji(data, emotes, query, limit = 8) {
  const q = query.toLowerCase();
  const results = [];
  for (const [alias, uri] of emotes) {
    const s = score(alias.toLowerCase(), q);
    if (s < Infinity) results.push({ s: s - 0.5, i: -1, kind: 'custom', name: alias, uri, insert: `:${alias}:` });
  }
  if (data) {
    data.all.forEach((e, i) => {
      let best = Infinity;
      let bestName = e.names[0];
      for (const name of e.names) {
        const s = score(name, q);
        if (s < best) {
          best = s;
          bestName = name;
        }
      }
      for (const tag of e.tags) best = Math.min(best, score(tag, q) + 3);
      if (best < Infinity) results.push({ s: best, i, kind: 'emoji', name: bestName, char: e.char, insert: e.char });
    });
  }
  results.sort((a, b) => a.s - b.s || a.i - b.i);
  return results.slice(0, limit);
}

/** The picture of a search result or grid entry: the character, or the emote image. */
export function glyphFor(entry, emotes) {
  if (entry.kind === 'custom') return emoteImage(entry.name, emotes) || document.createTextNode('?');
  return document.createTextNode(entry.char);
}

let uid = 0;

/**
 * The emoji picker dialog: a search box (combobox) driving a grid (listbox) of emoji, with one
 * tab per category (and one for custom emotes). Arrows move, Enter/Tab pick, Escape closes.
 */
export class EmojiPicker {
  constructor(container, button, { dataUrl, emotes, onPick, onClose }) {
    this.container = container;
    this.button = button;
    this.dataUrl = dataUrl;
    this.emotes = emotes;
    this.onPick = onPick;
    this.onClose = onClose;
    this.data = null;
    this.entries = [];
    this.active = -1;
    this.category = null;
    this.prefix = `emoji${++uid}-`;
    this.built = false;

    button.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    document.addEventListener('pointerdown', (e) => {
      if (this.isOpen && !container.contains(e.target) && !button.contains(e.target)) this.close(false);
    });
  }

  get isOpen() {
    return !this.container.hidden;
  }

  build() {
    this.search = document.createElement('input');
    this.search.type = 'search';
    this.search.className = 'emoji-search';
    this.search.placeholder = 'Search emoji';
    this.search.autocomplete = 'off';
    this.search.setAttribute('aria-label', 'Search emoji');
    this.search.setAttribute('role', 'combobox');
    this.search.setAttribute('aria-autocomplete', 'list');
    this.search.setAttribute('aria-expanded', 'true');
    this.search.setAttribute('aria-controls', `${this.prefix}grid`);
    this.tabs = document.createElement('div');
    this.tabs.className = 'emoji-tabs';
    this.tabs.setAttribute('role', 'tablist');
    this.tabs.setAttribute('aria-label', 'Emoji categories');
    this.grid = document.createElement('div');
    this.grid.className = 'emoji-grid';
    this.grid.id = `${this.prefix}grid`;
    this.grid.setAttribute('role', 'listbox');
    this.preview = document.createElement('div');
    this.preview.className = 'emoji-preview';
    this.preview.setAttribute('aria-hidden', 'true');
    this.container.replaceChildren(this.search, this.tabs, this.grid, this.preview);

    this.search.addEventListener('input', () => this.showSearch());
    this.search.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.grid.addEventListener('pointerdown', (e) => e.preventDefault());
    this.grid.addEventListener('click', (e) => {
      const option = e.target.closest('[role="option"]');
      if (option) this.pick(Number(option.dataset.index));
    });
    this.grid.addEventListener('pointermove', (e) => {
      const option = e.target.closest('[role="option"]');
      if (option) this.setActive(Number(option.dataset.index), false);
    });
    this.built = true;
  }

  async open() {
    if (!this.built) this.build();
    this.container.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    this.search.value = '';
    this.search.focus();
    if (!this.data) {
      this.grid.replaceChildren(this.note('Loading emoji…'));
      try {
        this.data = await loadEmojiData(this.dataUrl);
      } catch {
        this.grid.replaceChildren(this.note('Emoji could not be loaded.'));
        return;
      }
    }
    this.renderTabs();
    this.showCategory(this.data.categories[0].name);
  }

  close(returnFocus = true) {
    if (!this.isOpen) return;
    this.container.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    this.onClose?.(returnFocus);
  }

  note(text) {
    const p = document.createElement('p');
    p.className = 'emoji-empty';
    p.textContent = text;
    return p;
  }

  renderTabs() {
    const tabs = [];
    if (this.emotes.size > 0) {
      const [alias] = this.emotes.keys();
      tabs.push({ key: 'custom', label: 'Custom emotes', glyph: glyphFor({ kind: 'custom', name: alias }, this.emotes) });
    }
    for (const c of this.data.categories) {
      tabs.push({ key: c.name, label: c.name, glyph: document.createTextNode(c.emoji[0].char) });
    }
    this.tabs.replaceChildren(
      ...tabs.map((t) => {
        const b = document.createElement('button');
        b.type = 'button';
        b.setAttribute('role', 'tab');
        b.setAttribute('aria-label', t.label);
        b.setAttribute('aria-controls', this.grid.id);
        b.title = t.label;
        b.dataset.key = t.key;
        b.tabIndex = -1;
        b.append(t.glyph);
        b.addEventListener('click', () => {
          this.search.value = '';
          this.showCategory(t.key);
          this.search.focus();
        });
        return b;
      }),
    );
  }

  showCategory(key) {
    this.category = key;
    for (const b of this.tabs.children) b.setAttribute('aria-selected', String(b.dataset.key === key));
    if (key === 'custom') {
      this.entries = [...this.emotes.keys()].map((alias) => ({ kind: 'custom', name: alias, insert: `:${alias}:` }));
      this.grid.setAttribute('aria-label', 'Custom emotes');
    } else {
      const category = this.data.categories.find((c) => c.name === key);
      this.entries = category.emoji.map((e) => ({ kind: 'emoji', name: e.names[0], char: e.char, insert: e.char }));
      this.grid.setAttribute('aria-label', key);
    }
    this.renderGrid();
  }

  showSearch() {
    const q = this.search.value.trim().replace(/^:|:$/g, '');
    if (!q) {
      this.showCategory(this.category && this.category !== 'search' ? this.category : this.data.categories[0].name);
      return;
    }
    for (const b of this.tabs.children) b.setAttribute('aria-selected', 'false');
    this.entries = searchEmoji(this.data, this.emotes, q, 120);
    this.grid.setAttribute('aria-label', 'Search results');
    this.renderGrid();
  }

  renderGrid() {
    this.grid.scrollTop = 0;
    if (this.entries.length === 0) {
      this.grid.replaceChildren(this.note('No emoji found'));
      this.active = -1;
      this.search.removeAttribute('aria-activedescendant');
      this.preview.textContent = '';
      return;
    }
    this.grid.replaceChildren(
      ...this.entries.map((entry, index) => {
        const option = document.createElement('div');
        option.id = `${this.prefix}${index}`;
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        option.setAttribute('aria-label', entry.name.replace(/_/g, ' '));
        option.title = `:${entry.name}:`;
        option.dataset.index = String(index);
        option.append(glyphFor(entry, this.emotes));
        return option;
      }),
    );
    this.setActive(0);
  }

  setActive(index, scroll = true) {
    if (this.entries.length === 0) return;
    this.active = Math.max(0, Math.min(this.entries.length - 1, index));
    const previous = this.grid.querySelector('[aria-selected="true"]');
    previous?.setAttribute('aria-selected', 'false');
    const option = this.grid.children[this.active];
    option.setAttribute('aria-selected', 'true');
    this.search.setAttribute('aria-activedescendant', option.id);
    if (scroll) option.scrollIntoView({ block: 'nearest' });
    this.preview.textContent = `:${this.entries[this.active].name}:`;
  }

  /** Grid columns as laid out right now (for Up/Down). */
  columns() {
    const first = this.grid.children[0];
    if (!first || !first.offsetWidth) return 1;
    return Math.max(1, Math.round(this.grid.clientWidth / first.offsetWidth));
  }

  pick(index) {
    const entry = this.entries[index];
    if (!entry) return;
    this.onPick(entry.insert);
    this.close();
  }

  onKeyDown(e) {
    // Left/Right move the caret in the search field until it reaches the field's end.
    const caretCanMove = (forward) =>
      this.search.value &&
      (forward ? this.search.selectionStart < this.search.value.length : this.search.selectionStart > 0);
    onListKey(e, this, {
      ArrowRight: () => (caretCanMove(true) ? null : 1),
      ArrowLeft: () => (caretCanMove(false) ? null : -1),
      ArrowDown: () => this.columns(),
      ArrowUp: () => -this.columns(),
    });
  }
}
