// Every call the console makes to the API: with its session cookie, and with the session's CSRF
// token on every change. A 401 means the login ended, so the page goes back to the form.

let session = { csrf: null, read_only: true, login: false };

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function startSession() {
  session = await read('/api/session');
  return session;
}

export function canChange() {
  return !session.read_only;
}

export function read(path) {
  return call(path, { headers: { Accept: 'application/json' } });
}

export async function readText(path) {
  const answer = await fetch(path, { headers: { Accept: 'text/plain' }, credentials: 'same-origin' });
  if (answer.status === 401) {
    toLogin();
  }
  if (!answer.ok) {
    throw new ApiError(answer.status, await errorOf(answer));
  }
  return answer.text();
}

export async function change(path, body) {
  try {
    return await post(path, body);
  } catch (e) {
    // The session ended (serve restarted, say) while the page stayed open: read the new one's
    // token once and try again; without a token configured that read starts a new session.
    if (e.status !== 403 || !e.message.includes('CSRF token')) {
      throw e;
    }
    await startSession();
    return post(path, body);
  }
}

function post(path, body) {
  const headers = { Accept: 'application/json', 'X-CSRF-Token': session.csrf || '' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  return call(path, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function call(path, init) {
  const answer = await fetch(path, { ...init, credentials: 'same-origin' });
  if (answer.status === 401) {
    toLogin();
  }
  if (!answer.ok) {
    throw new ApiError(answer.status, await errorOf(answer));
  }
  const text = await answer.text();
  return text ? JSON.parse(text) : null;
}

async function errorOf(answer) {
  const text = await answer.text();
  try {
    return JSON.parse(text).error || text;
  } catch (e) {
    return text || answer.statusText;
  }
}

function toLogin() {
  // the page the person was on comes back after the login (see login.js)
  location.href = '/login' + (location.hash.startsWith('#/') ? location.hash : '');
  throw new ApiError(401, 'the login has ended');
}
