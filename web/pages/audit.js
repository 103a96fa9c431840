// The audit page (#/audit): the tenant's audit log, newest first, filtered on the server by actor,
// action, resource and dates (the filters live in the hash, so a filtered view can be linked),
// paged with the API's cursor. Each row reads as a sentence: who did what to which resource when,
// refused with which rule, and the fields that changed, before → after — never a raw JSON blob.
import { api } from '../lib/api.js';
import { h, clear, badge } from '../lib/dom.js';
import { t, formatDate, loadMessages } from '../lib/i18n.js';
import { tl, field, select, cursorList, listUsers, userName, valuesText, compact, setViewer } from './access-kit.js';

const FILTERS = ['actor', 'action', 'resource_type', 'resource_id', 'from', 'to'];
const RESOURCE_TYPES = ['user', 'grant', 'role', 'ladder', 'api_key', 'tenant', 'unit', 'position', 'person', 'assignment',
  'handoff', 'region', 'site', 'technician', 'inspection', 'case'];
const OUTCOME_KIND = { ok: 'ok', refused: 'danger', failed: 'warn' };
const SHOWN_OPEN = 6; // more changed fields than this fold under a summary

export async function render(root, params, ctx) {
  setViewer(ctx.me);
  await loadMessages('access'); // the kit's words (unit search, scopes, decisions)
  const users = await listUsers();
  const values = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  const form = h('form', { class: 'panel audit-filters', id: 'audit-filters', role: 'search', 'aria-label': t('audit.filters') },
    field(t('audit.filter.actor'), select('actor', [{ value: '', label: t('audit.filter.anyone') },
      ...users.map((u) => ({ value: u.id, label: u.display_name && u.display_name !== u.login ? `${u.display_name} (${u.login})` : u.login }))], values.actor, { id: 'audit-actor' })),
    field(t('audit.filter.action'), h('input', { name: 'action', id: 'audit-action', value: values.action, placeholder: 'grant.create', list: 'audit-actions' })),
    field(t('audit.filter.resource_type'), select('resource_type', [{ value: '', label: t('audit.filter.any') },
      ...RESOURCE_TYPES.map((r) => ({ value: r, label: tl(`audit.resource.${r}`, r) }))], values.resource_type, { id: 'audit-resource-type' })),
    field(t('audit.filter.resource_id'), h('input', { name: 'resource_id', id: 'audit-resource-id', value: values.resource_id, size: 22 })),
    field(t('audit.filter.from'), h('input', { type: 'date', name: 'from', id: 'audit-from', value: values.from })),
    field(t('audit.filter.to'), h('input', { type: 'date', name: 'to', id: 'audit-to', value: values.to })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('audit.filter.apply')),
      h('button', { type: 'reset', id: 'audit-reset' }, t('audit.filter.clear'))),
    h('datalist', { id: 'audit-actions' }, ['grant.create', 'grant.revoke', 'user.create', 'unit.update', 'unit.move', 'assignment.create',
      'site.transition', 'case.classify', 'case.dispatch', 'auth.login'].map((a) => h('option', { value: a }))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams(compact(Object.fromEntries(FILTERS.map((k) => [k, form.elements[k].value.trim()]))));
    ctx.navigate(`#/audit${q.toString() ? `?${q}` : ''}`);
  });
  form.addEventListener('reset', (e) => { e.preventDefault(); ctx.navigate('#/audit'); });

  const query = compact({ ...values, to: values.to ? nextDay(values.to) : '' });
  const limit = Math.min(500, Math.max(1, Number(params.get('limit')) || 50)); // rows per page (#/audit?limit=…)
  const list = cursorList({
    fetchPage: async (cursor) => (await api.get('/v1/audit', { ...query, limit, cursor })).data,
    renderItems: (items, container) => { let ol = container.querySelector('ol'); if (!ol) { ol = h('ol', { class: 'audit-log', id: 'audit-log' }); container.append(ol); } items.forEach((e) => ol.append(entry(e))); },
    empty: t('audit.empty'),
  });
  root.append(h('h1', {}, t('audit.title')), h('p', { class: 'muted' }, t('audit.intro')), form,
    h('section', { 'aria-label': t('audit.entries') }, list.element));
  await list.reload();
}

/** `to` is an exclusive bound in the API; the form's "to" day is meant inclusive. */
function nextDay(d) {
  const x = new Date(`${d}T00:00:00Z`);
  if (Number.isNaN(x.getTime())) return d;
  x.setUTCDate(x.getUTCDate() + 1);
  return x.toISOString().slice(0, 10);
}

function entry(e) {
  const actor = e.actor || {};
  const who = actor.kind === 'user' ? userName(actor.id) : h('span', { class: 'who' }, tl(`audit.actor.${actor.kind}`, actor.kind));
  const res = e.resource || {};
  const li = h('li', { class: `audit-entry outcome-${e.outcome}`, 'data-id': e.id, 'data-action': e.action },
    h('div', { class: 'audit-head' },
      h('time', { datetime: e.at }, formatDate(e.at)), ' ',
      badge(tl(`audit.outcome.${e.outcome}`, e.outcome), OUTCOME_KIND[e.outcome] || 'info'), ' ',
      h('span', { class: 'audit-sentence' }, who, ' ', h('strong', {}, tl(`audit.action.${e.action}`, e.action)), ' ',
        h('code', { class: 'muted' }, e.action), ' — ', tl(`audit.resource.${res.type}`, res.type || ''), ' ', resource(res))));
  if (e.reason) {
    li.append(h('p', { class: 'audit-reason' }, h('strong', {}, e.reason.code || ''), ' — ', e.reason.rule || '',
      e.reason.values ? h('span', { class: 'muted' }, ` (${valuesText(e.reason.values)})`) : null));
  }
  const changes = diff(e.before, e.after);
  if (changes.length) {
    const box = changes.length > SHOWN_OPEN
      ? h('details', { class: 'diff-box' }, h('summary', {}, t('audit.diff.fields', { n: changes.length })))
      : h('div', { class: 'diff-box' });
    li.append(box);
    box.append(h('table', { class: 'data diff' },
      h('caption', { class: 'sr-only' }, t('audit.diff.caption')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('audit.diff.field')), h('th', { scope: 'col' }, t('audit.diff.before')),
        h('th', { scope: 'col' }, t('audit.diff.after')))),
      h('tbody', {}, changes.map((c) => h('tr', { class: `diff-${c.kind}` }, h('th', { scope: 'row' }, c.path),
        h('td', { class: 'before' }, show(c.before, names(c.path, e.before))), h('td', { class: 'after' }, show(c.after, names(c.path, e.after))))))));
  }
  return li;
}

/** The record an entry is about: an account by name, a site or case linked to its page. */
function resource(res) {
  if (!res.id) return null;
  const short = h('code', { class: 'res-id', title: res.id }, res.id.length > 12 ? res.id.slice(0, 8) : res.id);
  if (res.type === 'user') return h('span', { title: res.id }, userName(res.id));
  if (res.type === 'site') return h('a', { href: `#/network?site=${res.id}`, title: res.id }, short);
  if (res.type === 'case') return h('a', { href: `#/cases?case=${res.id}`, title: res.id }, short);
  return short;
}

/** The fields that differ between two snapshots, flattened to dotted paths. */
export function diff(before, after) {
  const a = flatten(before);
  const b = flatten(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out = [];
  for (const k of keys) {
    if (JSON.stringify(a[k]) === JSON.stringify(b[k])) continue;
    out.push({ path: k, before: a[k], after: b[k], kind: !(k in a) ? 'added' : !(k in b) ? 'removed' : 'changed' });
  }
  return out;
}

function flatten(v, prefix = '', out = {}) {
  if (v === null || v === undefined) return out;
  if (typeof v !== 'object' || Array.isArray(v)) { if (prefix) out[prefix] = v; return out; }
  const entries = Object.entries(v);
  if (!entries.length && prefix) out[prefix] = v;
  for (const [k, x] of entries) {
    if (x && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length) flatten(x, prefix ? `${prefix}.${k}` : k, out);
    else out[prefix ? `${prefix}.${k}` : k] = x;
  }
  return out;
}

// Fields whose value is an account's id: shown with the account's name beside it.
const ACCOUNT_FIELDS = new Set(['granted_by', 'created_by', 'user_id', 'actor_id']);

/** Whether the field at `path` of `snapshot` names an account. */
function names(path, snapshot) {
  if (ACCOUNT_FIELDS.has(path)) return true;
  return path === 'subject.id' && !!snapshot && !!snapshot.subject && snapshot.subject.kind === 'user';
}

function show(v, isAccount = false) {
  if (isAccount && typeof v === 'string' && v) return h('span', {}, v, ' ', h('span', { class: 'diff-name' }, '(', userName(v), ')'));
  if (v === undefined) return h('span', { class: 'muted' }, '—');
  if (v === null) return h('span', { class: 'muted' }, t('audit.diff.null'));
  if (typeof v === 'boolean') return t(v ? 'common.yes' : 'common.no');
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
