// The overview: tasks by status, queue depths, supervisors, and a chart of tasks finished per minute.
import { read } from './api.js';
import { el, every, timeCell } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';

export function overview(view) {
  const counts = el('div', { class: 'counts', id: 'counts' });
  const chart = el('div', { id: 'throughput' });
  const queues = el('tbody');
  const supervisors = el('tbody');
  view.append(
    el('h1', {}, 'Overview'),
    el('section', { class: 'panel' }, el('h2', {}, 'Tasks'), counts),
    el('section', { class: 'panel' }, el('h2', {}, 'Finished per minute, last hour'), chart),
    el('section', { class: 'panel' }, el('h2', {}, 'Queues'),
      el('div', { class: 'scroll' }, el('table', { id: 'queues' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Queue'), el('th', { class: 'num' }, 'Messages'))), queues))),
    el('section', { class: 'panel' }, el('h2', {}, 'Supervisors'),
      el('div', { class: 'scroll' }, el('table', { id: 'supervisors' },
        el('thead', {}, el('tr', {}, el('th', {}, 'Name'), el('th', {}, 'State'), el('th', {}, 'Heartbeat'),
          el('th', { class: 'num' }, 'Running'), el('th', { class: 'wide' }, 'Started'))), supervisors))));
  return every(5000, async () => {
    const body = await read('/api/overview');
    counts.replaceChildren(...Object.entries(body.counts).map(([status, count]) =>
      el('a', { class: 'count', href: `#/tasks?status=${status}`, 'data-count': status },
        el('b', {}, count), status)));
    chart.replaceChildren(bars(body.finished_per_minute));
    queues.replaceChildren(...Object.entries(body.queues).map(([kind, queue]) =>
      el('tr', {}, el('td', {}, `${queue.name} (${kind})`), el('td', { class: 'num' }, queue.messages))));
    supervisors.replaceChildren(...(body.supervisors.length === 0
      ? [el('tr', {}, el('td', { colspan: 5, class: 'quiet' }, 'No supervisor has started yet.'))]
      : body.supervisors.map((s) => el('tr', {},
        el('td', {}, s.name), el('td', {}, s.alive ? 'alive' : 'silent'), el('td', {}, timeCell(s.heartbeat_at)),
        el('td', { class: 'num' }, s.running), el('td', { class: 'wide' }, timeCell(s.started_at))))));
  });
}

/** 60 bars, oldest on the left; the tallest fills the height, and each bar says its count on hover. */
function bars(minutes) {
  const most = Math.max(1, ...minutes);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('viewBox', '0 0 600 100');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `tasks finished per minute; ${minutes[minutes.length - 1]} in the last minute`);
  const base = document.createElementNS(SVG, 'line');
  Object.entries({ x1: 0, x2: 600, y1: 99.5, y2: 99.5 }).forEach(([k, v]) => base.setAttribute(k, v));
  svg.append(base);
  minutes.forEach((count, i) => {
    const height = (count / most) * 96;
    const bar = document.createElementNS(SVG, 'rect');
    Object.entries({ x: i * 10 + 1, width: 8, y: 100 - height, height }).forEach(([k, v]) => bar.setAttribute(k, v));
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${count} finished ${minutes.length - 1 - i} min ago`;
    bar.append(title);
    svg.append(bar);
  });
  return svg;
}
