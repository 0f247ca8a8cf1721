// Entry point of the front page and the password page: theme pickers, and on the front page a
// quiet refresh of the streamer list (live state, viewers, order) every 15 s.
import { initThemePickers } from './theme.js';

const REFRESH_MS = 15000;

initThemePickers();

const list = document.querySelector('.index-page main');
if (list) {
  setInterval(async () => {
    if (document.visibilityState !== 'visible') return;
    try {
      const res = await fetch('/', { cache: 'no-store', headers: { Accept: 'text/html' } });
      if (!res.ok) return;
      // Our own page from our own origin; only its list is taken over.
      const fresh = new DOMParser().parseFromString(await res.text(), 'text/html').querySelector('.index-page main');
      if (fresh && fresh.innerHTML !== list.innerHTML) list.replaceChildren(...fresh.childNodes);
    } catch {
      /* offline for a moment: keep what is shown */
    }
  }, REFRESH_MS);
}
