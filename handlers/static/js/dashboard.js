// The dashboard's charts: every `.viewer-chart` gets a uPlot line chart of viewers and
// chatters over time, from the JSON beside it ({stream, columns: [times, viewers, chatters]}).
// uPlot (vendor/uplot) is a classic script loaded with `defer`, so it is there before this
// module runs. Colours follow the theme's CSS variables; the chart follows its box's width.

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

if (window.uPlot) document.querySelectorAll('.viewer-chart').forEach(draw);
