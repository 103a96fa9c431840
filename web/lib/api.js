// The console's one door to the orgd API: same-origin fetches with the session cookie, the CSRF
// token on every state-changing request, ETags read and If-Match sent, and every failure turned
// into an ApiError carrying the server's problem+json so pages can show its words.
// On 401 the user is sent to sign-in; the shell brings them back to the same hash afterwards.

const CSRF_KEY = 'orgd.csrf';

export class ApiError extends Error {
  constructor(status, problem, network = false) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.network = network;
  }
}

let unauthorizedHandler = () => {};

/** The shell registers what to do when the session is gone (show sign-in, keep the hash). */
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

export function setCsrf(token) {
  if (token) sessionStorage.setItem(CSRF_KEY, token); else sessionStorage.removeItem(CSRF_KEY);
}
export function csrf() { return sessionStorage.getItem(CSRF_KEY); }

function url(path, query) {
  const u = new URL(path, location.origin);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      if (Array.isArray(v)) v.forEach((x) => u.searchParams.append(k, x));
      else u.searchParams.set(k, String(v));
    }
  }
  return u.pathname + u.search;
}

async function request(method, path, { query, body, ifMatch, quiet401 } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrf();
    if (token) headers['X-CSRF-Token'] = token;
  }
  if (ifMatch) headers['If-Match'] = ifMatch;
  let res;
  try {
    res = await fetch(url(path, query), {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { code: 'NETWORK', detail: String(e && e.message || e) }, true);
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text && type.includes('json')) {
      try { data = JSON.parse(text); } catch { data = null; }
    } else data = text || null;
  }
  if (!res.ok) {
    const problem = data && typeof data === 'object' ? data : { detail: String(data || res.statusText) };
    if (res.status === 401 && !quiet401) unauthorizedHandler();
    throw new ApiError(res.status, problem);
  }
  return { status: res.status, etag: res.headers.get('ETag'), data, headers: res.headers };
}

export const api = {
  get: (path, query, opts = {}) => request('GET', path, { ...opts, query }),
  send: (method, path, body, opts = {}) => request(method, path, { ...opts, body }),
  url,
};

/**
 * A 403 from a write names the rule but not who could do it; ask the policy (POST
 * /v1/access/check) for the same action and target and put its `could_instead` on the problem
 * as `who_could`, and its reason's words on `detail` when the refusal had none. Returns err.
 */
export async function explainRefusal(err, action, target) {
  if (!(err instanceof ApiError) || err.status !== 403 || !action || !target) return err;
  try {
    const r = await request('POST', '/v1/access/check', { body: { action, target }, quiet401: true });
    const d = r.data || {};
    // A check the policy could not decide (a move's destination cannot be named in a check)
    // says nothing about who could: leave who_could unset rather than claim nobody.
    const undecided = d.reason && d.reason.code === 'TARGET_INCOMPLETE';
    if (Array.isArray(d.could_instead) && !undecided) err.problem.who_could = d.could_instead;
  } catch (e) {
    if (e instanceof ApiError && e.status === 403 && e.problem) {
      // The check itself answers 403 with the reason when denied.
      if (Array.isArray(e.problem.could_instead)) err.problem.who_could = e.problem.could_instead;
    }
  }
  return err;
}
