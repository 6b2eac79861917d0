// The console: one page whose views are chosen by the part of the address after '#', so a view
// can be bookmarked, and whose data all comes from the API.
import { change, canChange, startSession } from './api.js';
import { clearBadNotice, failed } from './ui.js';
import { overview } from './overview.js';
import { taskList } from './tasks.js';
import { taskPage } from './task.js';
import { deadLetters } from './dead.js';

const view = document.getElementById('view');
let stopView = () => {};

function route() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  stopView();
  clearBadNotice();
  view.replaceChildren();
  let current = 'overview';
  if (parts[0] === 'tasks' && parts[1]) {
    current = 'tasks';
    stopView = taskPage(view, parts[1]);
  } else if (parts[0] === 'tasks') {
    current = 'tasks';
    stopView = taskList(view, params);
  } else if (parts[0] === 'dead') {
    current = 'dead';
    stopView = deadLetters(view);
  } else {
    stopView = overview(view);
  }
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.classList.toggle('current', link.dataset.nav === current);
  }
}

async function start() {
  const session = await startSession();
  document.getElementById('who').textContent = canChange() ? '' : 'read-only';
  const logout = document.getElementById('logout');
  logout.hidden = !session.login;
  logout.addEventListener('click', () => {
    change('/api/logout').then(() => { location.href = '/login'; }, failed);
  });
  window.addEventListener('hashchange', route);
  route();
}

start().catch(failed);
