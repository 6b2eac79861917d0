// Small helpers for building the page. Text from tasks goes in as text, never as HTML, so a
// payload or log cannot put markup or script on the page.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      node.className = value;
    } else {
      node.setAttribute(name, value === true ? '' : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

export function statusBadge(status) {
  return el('span', { class: `status ${status}`, 'data-status': status }, status);
}

export function notice(text, bad = false) {
  const box = document.getElementById('notice');
  box.textContent = text;
  box.className = bad ? 'bad' : '';
  box.hidden = false;
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => { box.hidden = true; }, bad ? 12000 : 6000);
}

/** Hides the notice if it still says {@code text}: what came after has outdated it. */
export function clearNotice(text) {
  const box = document.getElementById('notice');
  if (!box.hidden && box.textContent === text) {
    clearTimeout(notice.timer);
    box.hidden = true;
  }
}

/** Hides an error notice: one about another view would read as about the next. */
export function clearBadNotice() {
  const box = document.getElementById('notice');
  if (box.className === 'bad') {
    clearTimeout(notice.timer);
    box.hidden = true;
  }
}

/** Asks before a change: resolves true only when the person says yes. */
export function confirmed(question, yes) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = question;
  document.getElementById('confirm-yes').textContent = yes;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
  });
}

export function when(iso) {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  const seconds = Math.round((Date.now() - date.getTime()) / 1000);
  const span = Math.abs(seconds);
  const amount = span < 60 ? `${span} s` : span < 3600 ? `${Math.round(span / 60)} min`
    : span < 172800 ? `${Math.round(span / 3600)} h` : `${Math.round(span / 86400)} d`;
  return seconds >= 0 ? `${amount} ago` : `in ${amount}`;
}

export function timeCell(iso) {
  return el('time', { datetime: iso || '', title: iso || '' }, when(iso));
}

export function bytes(count) {
  if (count === null || count === undefined) {
    return '';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function failed(error) {
  notice(error.message || String(error), true);
}

/**
 * Runs {@code refresh} now and every {@code ms}; returns what stops it. A request the server
 * refuses as bad (400) or finds nothing for (404) would only be refused again: that stops it too.
 */
export function every(ms, refresh) {
  let stopped = false;
  let timer = null;
  const round = async () => {
    try {
      await refresh();
    } catch (e) {
      failed(e);
      stopped = stopped || e.status === 400 || e.status === 404;
    }
    if (!stopped) {
      timer = setTimeout(round, ms);
    }
  };
  round();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
