// The console's shell: sign-in (cookie session + CSRF token), the header with navigation,
// language switch and logout, and the hash router that loads a page module into a fresh <main>.
// An expired session opens sign-in over the page, so nothing typed is lost.
import { api, ApiError, onUnauthorized, setCsrf } from './lib/api.js';
import { t, lang, setLang, loadMessages, LANGS } from './lib/i18n.js';
import { h, clear, showProblem } from './lib/dom.js';
import { bindForm } from './lib/forms.js';
import { pages } from './pages.js';

const header = document.getElementById('app-header');
const view = document.getElementById('view');
const TENANT_KEY = 'orgd.tenant';
// Set while this browser believes it holds a session cookie (the cookie itself is HttpOnly), so a
// first visit shows sign-in without asking the server and logging a 401.
const SIGNED_IN_KEY = 'orgd.signed_in';

let session = null;   // GET /v1/auth/session
let me = null;        // GET /v1/access/me
let cleanup = null;   // the current page's cleanup function
let routeSeq = 0;     // drops a slow page render that a newer route superseded
let reauth = null;    // the open sign-in dialog after a 401, if any

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [id, query = ''] = raw.split('?');
  const page = pages.find((p) => p.id === id) || pages[0];
  return { page, params: new URLSearchParams(query), known: pages.some((p) => p.id === id) };
}

function navigate(hash) {
  const target = hash.startsWith('#') ? hash : `#${hash}`;
  if (location.hash === target) route(); else location.hash = target;
}

async function loadSession() {
  const [s, m] = await Promise.all([
    api.get('/v1/auth/session', undefined, { quiet401: true }),
    api.get('/v1/access/me', undefined, { quiet401: true }),
  ]);
  session = s.data;
  if (session && session.csrf_token) setCsrf(session.csrf_token);
  me = m.data;
}

// ---- sign-in -------------------------------------------------------------------------------

function signInForm(onDone) {
  const tenant = sessionStorage.getItem(TENANT_KEY) || localStorage.getItem(TENANT_KEY) || 'demo';
  const form = h('form', { class: 'signin-form', id: 'signin-form', novalidate: true },
    h('label', { for: 'signin-tenant' }, t('signin.tenant')),
    h('input', { id: 'signin-tenant', name: 'tenant', autocomplete: 'organization', required: true, value: tenant }),
    h('label', { for: 'signin-login' }, t('signin.login')),
    h('input', { id: 'signin-login', name: 'login', autocomplete: 'username', required: true }),
    h('label', { for: 'signin-password' }, t('signin.password')),
    h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit', class: 'primary', id: 'signin-submit' }, t('signin.submit')));
  bindForm(form, {
    draftKey: 'signin',
    onSubmit: async (v) => {
      const password = form.elements.password.value;
      const res = await api.send('POST', '/v1/auth/login',
        { tenant: v.tenant || '', login: v.login || '', password, cookie: true }, { quiet401: true })
        .catch((err) => {
          form.elements.password.value = '';
          if (err.status === 401) err.problem = { ...err.problem, detail: t('signin.failed') };
          throw err;
        });
      setCsrf(res.data && res.data.csrf_token);
      localStorage.setItem(TENANT_KEY, v.tenant || '');
      localStorage.setItem(SIGNED_IN_KEY, '1');
      await loadSession();
      onDone();
    },
  });
  return form;
}

function langSelect(id) {
  const sel = h('select', { id, class: 'lang-select', 'aria-label': t('lang.label') },
    LANGS.map((code) => h('option', { value: code, selected: code === lang() }, t(`lang.${code}`))));
  sel.addEventListener('change', async () => {
    await setLang(sel.value);
    renderHeader();
    await route();
    document.getElementById(id)?.focus();
  });
  return sel;
}

function showSignIn() {
  header.hidden = true;
  if (cleanup) { cleanup(); cleanup = null; }
  const main = h('main', { id: 'main', class: 'signin', tabindex: '-1' },
    h('div', { class: 'signin-card' },
      h('h1', {}, t('app.title')),
      h('p', { class: 'muted' }, t('signin.intro')),
      h('div', { class: 'signin-lang' }, langSelect('signin-lang')),
      signInForm(() => start())));
  clear(view).append(main);
  document.title = `${t('signin.title')} · ${t('app.title')}`;
  document.getElementById(document.getElementById('signin-tenant').value ? 'signin-login' : 'signin-tenant').focus();
}

/** A 401 in the middle of work: sign in again over the page, keeping the page as it is. */
function reauthenticate() {
  if (reauth || !session) { if (!session) showSignIn(); return; }
  const box = h('div', { class: 'reauth' }, h('p', {}, t('signin.expired')));
  const form = signInForm(() => { const d = reauth; reauth = null; d.close(); renderHeader(); });
  box.append(form);
  const back = document.activeElement;
  const id = 'reauth-title';
  const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': id }, h('header', {}, h('h2', { id }, t('signin.title'))), box);
  dlg.addEventListener('cancel', (e) => e.preventDefault());
  document.body.append(dlg);
  dlg.showModal();
  form.elements.login.value ||= session.login || '';
  form.elements.password.focus();
  reauth = { close: () => { dlg.close(); dlg.remove(); if (back && back.focus) back.focus(); } };
}

// ---- header and routing ------------------------------------------------------------------

function renderHeader() {
  const { page } = parseHash();
  const logout = h('button', { type: 'button', id: 'logout', class: 'link-button' }, t('action.logout'));
  logout.addEventListener('click', async () => {
    try { await api.send('POST', '/v1/auth/logout', undefined, { quiet401: true }); } catch (e) { if (!(e instanceof ApiError) || e.status !== 401) throw e; }
    setCsrf(null);
    localStorage.removeItem(SIGNED_IN_KEY);
    session = null;
    me = null;
    showSignIn();
  });
  clear(header).append(
    h('a', { class: 'brand', href: '#/chart' }, t('app.title')),
    h('nav', { 'aria-label': t('nav.label') },
      h('ul', {}, pages.map((p) => h('li', {},
        h('a', { href: `#/${p.id}`, id: `nav-${p.id}`, 'aria-current': p.id === page.id ? 'page' : null }, t(p.navKey)))))),
    h('div', { class: 'header-tools' },
      h('span', { class: 'whoami', title: t('header.grade', { grade: (me && me.effective_grade) || '' }) },
        (session && session.login) || '', me && me.effective_grade ? ` · ${me.effective_grade}` : ''),
      langSelect('lang-select'),
      logout));
  header.hidden = false;
}

async function route() {
  if (!session) return;
  const seq = ++routeSeq;
  const { page, params } = parseHash();
  if (cleanup) { try { cleanup(); } catch (e) { console.warn(e); } cleanup = null; }
  renderHeader();
  const main = h('main', { id: 'main', class: `page page-${page.id}`, tabindex: '-1', 'aria-busy': 'true' });
  clear(view).append(main);
  document.title = `${t(page.navKey)} · ${t('app.title')}`;
  try {
    const [mod] = await Promise.all([page.load(), loadMessages(page.area)]);
    if (seq !== routeSeq) return;
    const ctx = { session, me, navigate, t, lang: lang() };
    const ret = await mod.render(main, params, ctx);
    if (seq !== routeSeq) { if (typeof ret === 'function') ret(); return; }
    if (typeof ret === 'function') cleanup = ret;
    document.title = `${t(page.navKey)} · ${t('app.title')}`;
  } catch (err) {
    if (seq !== routeSeq) return;
    const box = h('div', { class: 'page-error' });
    main.append(h('h1', {}, t(page.navKey)), box);
    if (err instanceof ApiError) showProblem(box, err);
    else { box.append(h('p', { role: 'alert' }, t('error.page_failed'))); console.warn(err); }
  } finally {
    main.removeAttribute('aria-busy');
  }
}

async function start() {
  if (!localStorage.getItem(SIGNED_IN_KEY)) { showSignIn(); return; }
  try {
    await loadSession();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { localStorage.removeItem(SIGNED_IN_KEY); showSignIn(); return; }
    clear(view);
    const box = h('main', { id: 'main' });
    view.append(box);
    showProblem(box, err);
    return;
  }
  await route();
}

async function boot() {
  // Fetch the page's module and words while the shell's own load; route() then finds them ready.
  if (localStorage.getItem(SIGNED_IN_KEY)) {
    const { page } = parseHash();
    page.load().catch(() => {});
    loadMessages(page.area).catch(() => {});
  }
  await loadMessages('common');
  const skip = document.getElementById('skip-link');
  skip.textContent = t('app.skip');
  skip.addEventListener('click', (e) => { e.preventDefault(); document.getElementById('main')?.focus(); });
  onUnauthorized(reauthenticate);
  window.addEventListener('hashchange', () => route());
  await start();
}

boot();
