// Theme switching: `data-theme` on <html> selects a set of CSS custom properties. The choice is
// remembered per browser (theme-boot.js re-applies it before the first paint).

const root = document.documentElement;

/** The themes this site offers, in configured order (the first is the default). */
export function offeredThemes() {
  return (root.dataset.themes || '').split(' ').filter(Boolean);
}

export function currentTheme() {
  return root.dataset.theme;
}

/** Applies and remembers `name`; returns false when the site does not offer it. */
export function applyTheme(name) {
  if (!offeredThemes().includes(name)) return false;
  root.dataset.theme = name;
  try {
    localStorage.setItem('rs.theme', name);
  } catch {
    /* not remembered, still applied */
  }
  for (const select of document.querySelectorAll('select[data-theme-picker]')) {
    select.value = name;
  }
  return true;
}

/** Wires every `<select data-theme-picker>` on the page. */
export function initThemePickers() {
  for (const select of document.querySelectorAll('select[data-theme-picker]')) {
    select.value = currentTheme();
    select.addEventListener('change', () => applyTheme(select.value));
  }
}
