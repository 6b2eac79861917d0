// The task list: newest first, filtered by status and type, refreshed every 2 seconds so rows
// change as their tasks run; and a form to submit a task.
import { canChange, change, read } from './api.js';
import { clearNotice, el, every, failed, notice, statusBadge, timeCell } from './ui.js';

const STATUSES = ['scheduled', 'queued', 'running', 'retrying', 'succeeded', 'failed', 'crashed', 'cancelled', 'expired'];
const PAGE = 50;

export function taskList(view, params) {
  const status = params.get('status') || '';
  const type = params.get('type') || '';
  const rows = el('tbody', { id: 'task-rows' });
  const more = el('button', { type: 'button', id: 'older', hidden: true }, 'Older tasks');
  // What is shown: the newest page, read again each round, then the older pages a person asked
  // for; an older row stays until the newest page reaches it, so none is lost or shown twice.
  let fresh = [];
  let older = [];
  let nextBefore = null;

  const filter = () => {
    const chosen = new URLSearchParams();
    const form = new FormData(filters);
    for (const name of ['status', 'type']) {
      if (form.get(name)) {
        chosen.set(name, form.get(name).trim());
      }
    }
    location.hash = `#/tasks${chosen.toString() ? `?${chosen}` : ''}`;
  };
  const filters = el('form', { class: 'filters', id: 'filters', onsubmit: (event) => {
    event.preventDefault();
    filter();
  } },
  el('label', {}, 'Status', el('select', { name: 'status', id: 'filter-status', onchange: filter },
    el('option', { value: '' }, 'any'),
    STATUSES.map((s) => el('option', { value: s, selected: s === status }, s)))),
  el('label', {}, 'Type', el('input', { name: 'type', id: 'filter-type', value: type, size: 12, onchange: filter })),
  el('button', { type: 'submit' }, 'Show'));

  view.append(el('h1', {}, 'Tasks'), filters,
    canChange() ? submitForm() : null,
    el('div', { class: 'scroll' }, el('table', { id: 'tasks' }, el('thead', {}, el('tr', {},
      el('th', { class: 'num' }, 'ID'), el('th', {}, 'Type'), el('th', {}, 'Status'),
      el('th', { class: 'num wide' }, 'Attempts'), el('th', { class: 'wide' }, 'Created'),
      el('th', { class: 'wide' }, 'Progress'))), rows)),
    el('div', { class: 'actions' }, more));

  const query = (before) => {
    const q = new URLSearchParams({ limit: PAGE });
    if (status) q.set('status', status);
    if (type) q.set('type', type);
    if (before) q.set('before', before);
    return `/api/tasks?${q}`;
  };
  const show = () => {
    const lowest = fresh.length === 0 ? Infinity : fresh[fresh.length - 1].id;
    const tasks = fresh.concat(older.filter((task) => task.id < lowest));
    rows.replaceChildren(...(tasks.length === 0
      ? [el('tr', {}, el('td', { colspan: 6, class: 'quiet' }, 'No tasks match.'))]
      : tasks.map(row)));
  };
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const page = await read(query(nextBefore));
      older = older.concat(page.tasks);
      nextBefore = page.next_before;
      more.hidden = nextBefore === null;
      show();
    } catch (e) {
      failed(e);
    } finally {
      more.disabled = false;
    }
  });
  return every(2000, async () => {
    const page = await read(query(null));
    const before = fresh;
    fresh = page.tasks;
    if (older.length > 0) {
      // rows that new tasks pushed off the newest page join the older ones
      const lowest = fresh.length === 0 ? Infinity : fresh[fresh.length - 1].id;
      const kept = new Set(older.map((task) => task.id));
      older = before.filter((task) => task.id < lowest && !kept.has(task.id)).concat(older);
    } else {
      nextBefore = page.next_before;
      more.hidden = nextBefore === null;
    }
    show();
  });
}

function row(task) {
  return el('tr', { 'data-id': task.id },
    el('td', { class: 'num' }, el('a', { href: `#/tasks/${task.id}` }, task.id)),
    el('td', {}, task.type),
    el('td', {}, statusBadge(task.status)),
    el('td', { class: 'num wide' }, task.attempts),
    el('td', { class: 'wide' }, timeCell(task.created_at)),
    el('td', { class: 'wide' }, task.progress === null ? '' : `${Math.round(task.progress)}%`));
}

function submitForm() {
  const form = el('form', { class: 'submit', id: 'submit' },
    el('label', {}, 'Type ', el('input', { name: 'type', required: true, placeholder: 'echo' })),
    el('label', {}, 'Payload (JSON)', el('textarea', { name: 'payload', spellcheck: 'false' }, '{}')),
    el('label', {}, 'Attempts ', el('input', { name: 'max_attempts', type: 'number', min: 1, max: 100, placeholder: '3' })),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary' }, 'Submit')));
  // What the form was told of its payload is outdated once the person edits it: the browser's own
  // checks may stop the next submit before it says anything new.
  let aboutPayload = null;
  form.addEventListener('input', () => {
    if (aboutPayload !== null) {
      clearNotice(aboutPayload);
      aboutPayload = null;
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = new FormData(form);
    let payload;
    try {
      payload = JSON.parse(fields.get('payload') || '{}');
    } catch (e) {
      aboutPayload = `The payload is not JSON: ${e.message}`;
      notice(aboutPayload, true);
      return;
    }
    const body = { type: fields.get('type').trim(), payload };
    if (fields.get('max_attempts')) {
      body.max_attempts = Number(fields.get('max_attempts'));
    }
    try {
      const made = await change('/api/tasks', body);
      notice(`Task ${made.id} submitted.`);
      location.hash = `#/tasks/${made.id}`;
    } catch (e) {
      failed(e);
    }
  });
  return el('details', { class: 'panel' }, el('summary', {}, 'Submit a task'), form);
}
