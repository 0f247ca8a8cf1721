// Keyboard handling shared by the pop-up lists (the `:`/`@` type-ahead, the emoji picker): the
// arrow keys move the active option by the steps the list gives, Enter and Tab pick it, Escape
// closes; a key the list handled goes no further.

/**
 * `list`: has `active`, `setActive(i)`, `pick(i)` and `close()`. `steps`: key name → how far it
 * moves the active option, or a function returning that (or `null` to leave the key alone, e.g.
 * ArrowLeft while the caret can still move in a search field). Returns whether it handled `e`.
 */
export function onListKey(e, list, steps) {
  let step = steps[e.key];
  if (typeof step === 'function') step = step();
  if (step !== undefined && step !== null) {
    list.setActive(list.active + step);
  } else if (step === null) {
    return false;
  } else if (e.key === 'Enter' || e.key === 'Tab') {
    if (list.active < 0) return false;
    list.pick(list.active);
  } else if (e.key === 'Escape') {
    list.close();
  } else {
    return false;
  }
  e.preventDefault();
  e.stopPropagation();
  return true;
}
