// Stream facts refreshed every 5 s from GET /{room}/info: live state, viewer count, description.

export function pollInfo(room, { onInfo, onForbidden, interval = 5000 }) {
  const url = `/${encodeURIComponent(room)}/info`;
  let timer = null;
  async function tick() {
    try {
      const res = await fetch(url, { cache: 'no-store', headers: { Accept: 'application/json' } });
      if (res.status === 403) {
        onForbidden();
        return;
      }
      if (res.ok) {
        const info = await res.json();
        if (info && typeof info === 'object') {
          onInfo({
            live: info.live === true,
            count: Number.isFinite(info.count) ? info.count : 0,
            description: typeof info.description === 'string' ? info.description : '',
          });
        }
      }
    } catch {
      /* offline for a moment: try again next tick */
    }
    timer = setTimeout(tick, interval);
  }
  timer = setTimeout(tick, interval);
  return () => clearTimeout(timer);
}
