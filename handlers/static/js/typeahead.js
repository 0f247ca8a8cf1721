// A type-ahead for a text input (ARIA combobox + listbox): a trigger character at the start of a
// word (`:` emoji, `@` users) opens suggestions for the rest of the word. Arrows move, Enter or
// Tab picks, Escape closes; the input keeps the focus throughout (aria-activedescendant).
import { onListKey } from './listkeys.js';

const MAX_ITEMS = 8;
let uid = 0;

/**
 * sources: { [trigger]: { minChars, suggest(query) -> [{ value, label, glyph?: Node, hint? }] } }
 * `value` replaces the trigger and the typed word; a space follows it.
 */
export class Typeahead {
  constructor(input, popup, list, sources) {
    this.input = input;
    this.popup = popup;
    this.list = list;
    this.sources = sources;
    this.items = [];
    this.active = -1;
    this.token = null;
    this.prefix = `ta${++uid}-`;

    input.addEventListener('input', () => this.update());
    input.addEventListener('click', () => this.update());
    input.addEventListener('blur', () => setTimeout(() => this.close(), 120));
    input.addEventListener('keydown', (e) => this.onKeyDown(e));
    // Pressing an option must not take the focus from the input.
    list.addEventListener('pointerdown', (e) => e.preventDefault());
    list.addEventListener('click', (e) => {
      const option = e.target.closest('[role="option"]');
      if (option) this.pick(Number(option.dataset.index));
    });
  }

  get isOpen() {
    return !this.popup.hidden;
  }

  /** The trigger word that ends at the caret, if any: { trigger, query, start, end }. */
  currentToken() {
    const { value, selectionStart, selectionEnd } = this.input;
    if (selectionStart !== selectionEnd) return null;
    const before = value.slice(0, selectionStart);
    const m = /(^|\s)([:@])([^\s:@]*)$/.exec(before);
    if (!m || !this.sources[m[2]]) return null;
    return { trigger: m[2], query: m[3], start: before.length - m[3].length - 1, end: selectionStart };
  }

  /** Recomputes the suggestions (also called when a source's data arrives). */
  update() {
    const token = this.currentToken();
    const source = token && this.sources[token.trigger];
    if (!source || token.query.length < (source.minChars ?? 0)) {
      this.close();
      return;
    }
    const items = source.suggest(token.query).slice(0, MAX_ITEMS);
    if (items.length === 0) {
      this.close();
      return;
    }
    this.token = token;
    this.items = items;
    this.render();
    this.setActive(0);
  }

  render() {
    this.list.replaceChildren(
      ...this.items.map((item, index) => {
        const li = document.createElement('li');
        li.id = `${this.prefix}${index}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.dataset.index = String(index);
        const glyph = document.createElement('span');
        glyph.className = 'option-glyph';
        glyph.setAttribute('aria-hidden', 'true');
        if (item.glyph) glyph.append(item.glyph);
        const label = document.createElement('span');
        label.className = 'option-label';
        if (item.labelNode) label.append(item.labelNode);
        else label.textContent = item.label;
        li.append(glyph, label);
        if (item.hint) {
          const hint = document.createElement('span');
          hint.className = 'option-hint';
          hint.textContent = item.hint;
          li.append(hint);
        }
        return li;
      }),
    );
    this.popup.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
  }

  setActive(index) {
    const n = this.items.length;
    if (n === 0) return;
    this.active = ((index % n) + n) % n;
    for (const li of this.list.children) {
      li.setAttribute('aria-selected', String(Number(li.dataset.index) === this.active));
    }
    const activeLi = this.list.children[this.active];
    this.input.setAttribute('aria-activedescendant', activeLi.id);
    activeLi.scrollIntoView({ block: 'nearest' });
  }

  close() {
    if (!this.isOpen && this.items.length === 0) return;
    this.popup.hidden = true;
    this.items = [];
    this.active = -1;
    this.token = null;
    this.list.replaceChildren();
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  pick(index) {
    const item = this.items[index];
    const token = this.token;
    if (!item || !token) return;
    const { value } = this.input;
    const after = value.slice(token.end);
    const insert = `${item.value}${after.startsWith(' ') ? '' : ' '}`;
    this.input.value = value.slice(0, token.start) + insert + after;
    const caret = token.start + insert.length + (after.startsWith(' ') ? 1 : 0);
    this.input.setSelectionRange(caret, caret);
    this.close();
    this.input.focus();
  }

  onKeyDown(e) {
    if (!this.isOpen || e.isComposing) return;
    onListKey(e, this, { ArrowDown: 1, ArrowUp: -1 });
  }
}
