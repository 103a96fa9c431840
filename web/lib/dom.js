// Small DOM helpers so pages build elements without HTML strings (the CSP forbids inline
// handlers and styles), plus the one way every page shows an API refusal: the policy's words
// and who could do it instead.
import { t } from './i18n.js';

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'for') el.htmlFor = v;
    else if (k === 'text') el.textContent = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'disabled' || k === 'selected' || k === 'hidden') el[k] = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) { while (el.firstChild) el.firstChild.remove(); return el; }

/** A person or role the policy says could do it instead, in words. */
function whoCouldItem(w) {
  if (typeof w === 'string') return w;
  if (w.user) {
    const role = w.grant && w.grant.role && w.grant.role.name;
    return [w.user.display_name || w.user.login, w.user.grade, role].filter(Boolean).join(' · ');
  }
  const name = w.name || w.display_name || w.login || w.person_name || w.role || w.id || '';
  const extra = [w.grade, w.role, w.unit_name || w.unit].filter((x) => x && x !== name);
  return extra.length ? `${name} (${extra.join(', ')})` : name;
}

/** Show an ApiError in `container`: the server's detail, the rule, and who_could. */
export function showProblem(container, err) {
  clear(container);
  const p = (err && err.problem) || {};
  let text;
  if (err && err.network) text = t('error.network');
  else if (err && err.status === 401) text = t('error.session');
  else text = p.detail || p.title || (err && err.message) || t('error.unknown');
  const box = h('div', { class: 'problem', role: 'alert' }, h('p', { class: 'problem-detail' }, text));
  const values = p.values && typeof p.values === 'object'
    ? Object.entries(p.values).filter(([k]) => k !== 'who_could').map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
    : [];
  if (values.length && !(err && err.network)) box.append(h('p', { class: 'problem-values' }, values.join(' · ')));
  if (p.code && !(err && err.network)) box.append(h('p', { class: 'problem-code' }, t('error.code', { code: p.code })));
  const who = p.who_could || (p.values && p.values.who_could);
  if (Array.isArray(who) && who.length) {
    box.append(h('p', { class: 'problem-who' }, t('error.who_could')),
      h('ul', { class: 'who-could' }, who.map((w) => h('li', {}, whoCouldItem(w)))));
  } else if (Array.isArray(who)) {
    box.append(h('p', { class: 'problem-who' }, t('error.who_could_none')));
  }
  container.append(box);
  return box;
}

export function badge(text, kind = 'info') { return h('span', { class: `badge badge-${kind}` }, text); }

/** columns: [{key, label, render?(row)}]; rows: objects. Returns a <table>. */
export function table(columns, rows, { caption } = {}) {
  return h('table', { class: 'data' },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.label)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', {}, c.render ? c.render(r) : (r[c.key] ?? '')))))));
}

/** A modal <dialog>; Escape and the close button close it; focus returns to where it was. */
export function dialog(title, content, { onClose } = {}) {
  const back = document.activeElement;
  const id = `dlg-${Math.random().toString(36).slice(2)}`;
  const closeBtn = h('button', { type: 'button', class: 'dialog-close', 'aria-label': t('action.close') }, '×');
  const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': id },
    h('header', {}, h('h2', { id }, title), closeBtn), h('div', { class: 'dialog-body' }, content));
  document.body.append(dlg);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    if (dlg.open) dlg.close();
    dlg.remove();
    if (back && back.focus) back.focus();
    if (onClose) onClose();
  };
  closeBtn.addEventListener('click', close);
  dlg.addEventListener('cancel', (e) => { e.preventDefault(); close(); });
  dlg.showModal();
  const first = dlg.querySelector('.dialog-body input, .dialog-body select, .dialog-body textarea, .dialog-body button');
  if (first) first.focus();
  return { close, element: dlg };
}

/** An id unique in the page, for label/for pairs. */
let seq = 0;
export function uid(prefix = 'f') { seq += 1; return `${prefix}-${seq}`; }

/** A short polite announcement (saved, moved…) in the shell's live region. */
export function toast(text) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = text;
  el.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.classList.remove('show'); el.textContent = ''; }, 4000);
}
