// The dead letters, each with a button that replays it as "dlq replay ID" does.
import { canChange, change, read } from './api.js';
import { confirmed, el, every, failed, notice, statusBadge, timeCell } from './ui.js';

export function deadLetters(view) {
  const total = el('p', { class: 'quiet', id: 'dead-total' });
  const rows = el('tbody', { id: 'dead-rows' });
  view.append(el('h1', {}, 'Dead letters'), total,
    el('div', { class: 'scroll' }, el('table', { id: 'dead' }, el('thead', {}, el('tr', {},
      el('th', { class: 'num' }, 'Task'), el('th', {}, 'Type'), el('th', {}, 'Reason'),
      el('th', { class: 'wide' }, 'Detail'), el('th', { class: 'wide' }, 'Dead'), el('th', {}, ''))), rows)));

  let refresh;
  const replay = async (letter) => {
    if (!(await confirmed(`Replay task ${letter.task_id} (${letter.type})? It runs again from its first attempt.`,
      'Replay'))) {
      return;
    }
    try {
      const summary = await change('/api/dead/replay', { ids: [letter.task_id] });
      const result = summary.results.find((r) => r.id === letter.task_id);
      notice(result ? result.message : `replayed ${summary.replayed}`, summary.replayed === 0);
      await refresh();
    } catch (e) {
      failed(e);
    }
  };
  const row = (letter) => el('tr', { 'data-id': letter.task_id },
    el('td', { class: 'num' }, letter.task_id === null ? '' : el('a', { href: `#/tasks/${letter.task_id}` }, letter.task_id)),
    el('td', {}, letter.type || ''),
    el('td', {}, letter.reason || '', ' ', letter.status ? statusBadge(letter.status) : ''),
    el('td', { class: 'wide' }, letter.detail || ''),
    el('td', { class: 'wide' }, timeCell(letter.dead_at)),
    el('td', {}, canChange() && letter.task_id !== null
      ? el('button', { type: 'button', class: 'replay', onclick: () => replay(letter) }, 'Replay') : ''));
  refresh = async () => {
    const body = await read('/api/dead');
    total.textContent = `${body.total} in ${body.queue}`;
    rows.replaceChildren(...(body.letters.length === 0
      ? [el('tr', {}, el('td', { colspan: 6, class: 'quiet' }, 'No dead letters.'))]
      : body.letters.map(row)));
  };
  return every(5000, refresh);
}
