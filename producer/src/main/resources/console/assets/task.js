// One task's page: every column that has a value, a progress bar, and the log, which follows the
// task live through its event stream while it runs.
import { canChange, change, read, readText } from './api.js';
import { bytes, clearNotice, confirmed, el, failed, notice, statusBadge, timeCell } from './ui.js';

const ENDED = ['succeeded', 'failed', 'crashed', 'cancelled', 'expired'];
const CANCELLABLE = ['scheduled', 'queued', 'running', 'retrying'];
const RETRYABLE = ['failed', 'crashed', 'expired'];

export function taskPage(view, id) {
  const heading = el('h1', {}, `Task ${id}`);
  const actions = el('div', { class: 'actions' });
  const fields = el('dl', { class: 'fields', id: 'fields' });
  const bar = el('progress', { id: 'progress', max: 100, hidden: true });
  const barText = el('p', { class: 'quiet', id: 'progress-message' });
  const log = el('pre', { id: 'log' });
  const blocks = el('div');
  view.append(heading, actions, el('section', { class: 'panel' }, fields, bar, barText), blocks,
    el('section', { class: 'panel' }, el('h2', {}, 'Log'), log));
  let events = null;
  let stopped = false;
  let lateLooks = 0;
  let shown = null;
  // The log shown of the attempts before the one under way, markers and all, and which attempt that is.
  let earlier = '';
  let shownAttempt = null;
  // What an action said ("queued again") and the status it made: said beside another status (a retry
  // that failed again at once), it would contradict the page, so it goes.
  let said = null;
  const acted = (text, status) => { said = { text, status }; };
  // "started 5 s ago" goes on counting between the task's changes, which alone read it again
  const clock = setInterval(() => { if (shown) fields.replaceChildren(...details(shown)); }, 1000);

  const showTask = (task) => {
    shown = task;
    if (said && task.status !== said.status) {
      clearNotice(said.text);
      said = null;
    }
    heading.replaceChildren(`Task ${task.id} `, statusBadge(task.status));
    fields.replaceChildren(...details(task));
    blocks.replaceChildren(...[['Payload', task.payload, 'payload'], ['Result', task.result, 'result'],
      ['Error', task.error, 'error']].filter(([, value]) => value !== null && value !== undefined)
      .map(([title, value, name]) => el('section', { class: 'panel' }, el('h2', {}, title),
        el('pre', { id: name }, typeof value === 'string' ? value : JSON.stringify(value, null, 2)))));
    showProgress(task.progress, task.progress_message);
    actions.replaceChildren(...buttons(task, reload, acted));
  };
  const showProgress = (progress, message) => {
    bar.hidden = progress === null || progress === undefined;
    barText.textContent = '';
    if (!bar.hidden) {
      bar.value = progress;
      barText.textContent = `${Math.round(progress)}%${message ? ` ${message}` : ''}`;
    }
  };
  const follow = () => {
    // The stream starts with the task as it is (its whole log so far) and ends with its last status.
    events = new EventSource(`/api/tasks/${id}/events`);
    // A stream that reconnects starts over with the whole log, so what was shown goes.
    events.addEventListener('open', () => {
      log.textContent = '';
      earlier = '';
      shownAttempt = null;
    });
    // The browser reconnects by itself after a dropped connection, but gives up on an error
    // status (the login ended, serve is gone): read the task again, which sends a person whose
    // login ended to the form, or follows anew.
    events.addEventListener('error', () => {
      if (events.readyState === EventSource.CLOSED && !stopped) {
        setTimeout(() => reload().catch(failed), 2000);
      }
    });
    events.addEventListener('status', (event) => {
      const { status, attempts } = JSON.parse(event.data);
      if (shownAttempt === null) {
        shownAttempt = attempts;
      }
      if (ENDED.includes(status)) {
        events.close();
      }
      reload().catch(failed);
    });
    events.addEventListener('progress', (event) => {
      const data = JSON.parse(event.data);
      showProgress(data.progress, data.message);
    });
    events.addEventListener('log', (event) => {
      const data = JSON.parse(event.data);
      const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      const current = log.textContent.slice(earlier.length);
      if (shownAttempt !== null && data.attempt !== shownAttempt) {
        // Each attempt starts a log of its own: what came before stays, under a marker as `logs --follow` prints.
        const cut = current && !current.endsWith('\n') ? '\n' : '';
        earlier = `${log.textContent}${cut}--- attempt ${data.attempt} ---\n`;
        log.textContent = earlier + data.text;
      } else {
        log.textContent = earlier + (data.replaced ? data.text : current + data.text);
      }
      shownAttempt = data.attempt;
      if (atEnd) {
        log.scrollTop = log.scrollHeight;
      }
    });
  };
  async function reload() {
    const task = await read(`/api/tasks/${id}`);
    if (stopped) {
      return;
    }
    showTask(task);
    if (ENDED.includes(task.status)) {
      if (events) {
        events.close();
      }
      // the row holds the last attempt's log only: the earlier ones followed here stay above it
      log.textContent = earlier + await readText(`/api/tasks/${id}/log`);
      // A running task's cancel is recorded at once; its exit code, CPU and the end of its log
      // follow once its supervisor has killed the child, within a second or so.
      if (task.status === 'cancelled' && task.started_at && task.exit_code === null && lateLooks < 10) {
        lateLooks += 1;
        setTimeout(() => reload().catch(failed), 1000);
      }
    } else if (!events || events.readyState === EventSource.CLOSED) {
      follow();
    }
  }
  reload().catch(failed);
  return () => {
    stopped = true;
    clearInterval(clock);
    if (events) {
      events.close();
    }
  };
}

function details(task) {
  const rows = [
    ['Type', task.type], ['Queue', task.queue], ['Attempts', task.attempts],
    ['Failure kind', task.failure_kind], ['Exit code', task.exit_code], ['Worker', task.worker],
    ['Created', task.created_at && timeCell(task.created_at)], ['Run at', task.run_at && timeCell(task.run_at)],
    ['Started', task.started_at && timeCell(task.started_at)], ['Finished', task.finished_at && timeCell(task.finished_at)],
    ['Expires', task.expires_at && timeCell(task.expires_at)], ['Unique key', task.unique_key],
    ['CPU', task.cpu_seconds === null ? null : `${task.cpu_seconds.toFixed(3)} s`],
    ['CPU, all attempts', task.total_cpu_seconds === null ? null : `${task.total_cpu_seconds.toFixed(3)} s`],
    ['Peak memory', task.peak_memory_bytes === null ? null : bytes(task.peak_memory_bytes)],
  ];
  return rows.filter(([, value]) => value !== null && value !== undefined && value !== '')
    .flatMap(([name, value]) => [el('dt', {}, name),
      el('dd', { 'data-field': name.toLowerCase().replace(/[^a-z]+/g, '-') }, value)]);
}

function buttons(task, reload, acted) {
  if (!canChange()) {
    return [];
  }
  const act = async (question, yes, path, done, made) => {
    if (!(await confirmed(question, yes))) {
      return;
    }
    try {
      await change(path);
      notice(done);
      acted(done, made);
      await reload();
    } catch (e) {
      failed(e);
    }
  };
  const list = [];
  if (CANCELLABLE.includes(task.status)) {
    list.push(el('button', { type: 'button', class: 'danger', id: 'cancel', onclick: () => act(
      `Cancel task ${task.id} (${task.type})? A running task is stopped.`, 'Cancel task',
      `/api/tasks/${task.id}/cancel`, `Task ${task.id} cancelled.`, 'cancelled') }, 'Cancel'));
  }
  if (RETRYABLE.includes(task.status)) {
    list.push(el('button', { type: 'button', id: 'retry', onclick: () => act(
      `Run task ${task.id} (${task.type}) again?`, 'Retry',
      `/api/tasks/${task.id}/retry`, `Task ${task.id} queued again.`, 'queued') }, 'Retry'));
  }
  return list;
}
