// The dashboard's charts: every `.viewer-chart` gets a uPlot line chart of viewers and
// chatters over time, from the JSON beside it ({stream, columns: [times, viewers, chatters]}).
// uPlot (vendor/uplot) is a classic script loaded with `defer`, so it is there before this
// module runs. Colours follow the theme's CSS variables; a chart follows its box's width.
// On the overview the "now" figures and the latest stream's card are fetched again every 15 s
// (while the tab is visible), so a streamer can keep it open beside OBS.

const REFRESH_MS = 15000;
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function draw(box) {
  const data = JSON.parse(box.parentElement.querySelector('.viewer-chart-data').textContent);
  const [times, viewers, chatters] = data.columns;
  const grid = { stroke: css('--border'), width: 1 };
  const axis = { stroke: css('--muted'), grid, ticks: grid };
  const opts = {
    width: box.clientWidth || 320,
    height: 220,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [axis, { ...axis, values: (_u, ticks) => ticks.map((v) => (Number.isInteger(v) ? v : '')) }],
    series: [
      {},
      { label: 'Viewers', stroke: css('--accent'), width: 2, fill: `${css('--accent')}22` },
      { label: 'Chatters', stroke: css('--ok'), width: 2 },
    ],
  };
  const chart = new window.uPlot(opts, [times, viewers, chatters], box);
  new ResizeObserver(() => chart.setSize({ width: box.clientWidth, height: 220 })).observe(box);
  box.dataset.drawn = String(times.length);
}

const drawAll = (root) => window.uPlot && root.querySelectorAll('.viewer-chart').forEach(draw);

async function refresh() {
  if (document.visibilityState !== 'visible') return;
  try {
    const res = await fetch(location.href, { cache: 'no-store', headers: { Accept: 'text/html' } });
    // Signed out meanwhile (a redirect to the sign-in form): leave the page as it is.
    if (!res.ok || res.redirected) return;
    const fresh = new DOMParser().parseFromString(await res.text(), 'text/html');
    for (const id of ['now', 'latest']) {
      const [mine, theirs] = [document.getElementById(id), fresh.getElementById(id)];
      if (mine && theirs) mine.replaceChildren(...theirs.childNodes);
    }
    drawAll(document.getElementById('latest'));
  } catch {
    /* offline for a moment: keep what is shown */
  }
}

drawAll(document);
if (document.getElementById('now')) setInterval(refresh, REFRESH_MS);
