// Small pieces the permissions, audit, network and cases pages share and the shell's modules do
// not offer: labelled fields, a select from options, a cursor pager with a "more" button, names
// for the ids the API answers with (users, units, regions), a policy decision in words (with
// `could_instead`), and a label lookup that falls back to the API's own word when the catalog
// has none (tenant-defined terms).
import { api } from '../lib/api.js';
import { h, clear, showProblem, uid } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

/** The catalog's text for `key`, or `fallback` when the catalog has no such key. */
export function tl(key, fallback) {
  const s = t(key);
  return s === key ? (fallback ?? key) : s;
}

/** A labelled control: <div class=field><label for>…</label>control</div>. */
export function field(label, control, hint) {
  if (!control.id) control.id = uid(control.name || 'f');
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control,
    hint ? h('span', { class: 'muted field-hint' }, hint) : null);
}

/** A <select> from [{value, label}] (or plain strings), `value` selected. */
export function select(name, options, value, attrs = {}) {
  return h('select', { name, ...attrs }, options.map((o) => {
    const opt = typeof o === 'string' ? { value: o, label: o } : o;
    return h('option', { value: opt.value, selected: String(opt.value) === String(value ?? '') }, opt.label);
  }));
}

/**
 * A list that pages with the API's cursor: `fetchPage(cursor)` → {items, next_cursor};
 * `renderItems(items, container)` appends rows. Returns {element, reload}.
 */
export function cursorList({ fetchPage, renderItems, empty }) {
  const body = h('div', { class: 'paged' });
  const status = h('div', { class: 'paged-status', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'more', hidden: true }, t('action.more'));
  let cursor = null;
  let count = 0;
  async function load(first) {
    more.disabled = true;
    try {
      const page = await fetchPage(first ? null : cursor);
      if (first) { clear(body); count = 0; }
      clear(status);
      count += page.items.length;
      if (first && page.items.length === 0) body.append(h('p', { class: 'muted empty' }, empty || t('common.empty')));
      else renderItems(page.items, body, first);
      cursor = page.next_cursor;
      more.hidden = !cursor;
      if (count) status.append(h('span', { class: 'muted' }, t('common.more_count', { n: count })));
    } catch (err) {
      showProblem(status, err);
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', () => load(false));
  return { element: h('div', {}, body, status, more), reload: () => load(true) };
}

// ---- names for ids ---------------------------------------------------------------------
// Names are looked up only where the caller may read them: a refused lookup would cost a request
// and put an error in the browser's console, and the id is shown instead anyway.

let viewer = null;

/** Each page tells the kit who is looking (`ctx.me`, GET /v1/access/me). */
export function setViewer(me) { viewer = me; }

/** Whether the viewer holds `perm` anywhere (`tenantWide`: over the whole tenant). */
export function can(perm, tenantWide = false) {
  const scopes = (viewer && viewer.permissions && viewer.permissions[perm]) || [];
  return tenantWide ? scopes.some((x) => x.kind === 'tenant') : scopes.length > 0;
}
const READS = { users: () => can('access.read', true), units: () => can('org.read'), regions: () => can('org.read'), sites: () => can('network.read') };

const cache = { users: new Map(), units: new Map(), regions: new Map(), sites: new Map() };

/** Every user of the tenant the caller may list (first 500), for pickers and names. */
export async function listUsers() {
  if (!READS.users()) return [];
  try {
    const { data } = await api.get('/v1/users', { limit: 500 });
    for (const u of data.items) cache.users.set(u.id, u);
    return data.items;
  } catch { return []; }
}

async function named(kind, path, id) {
  if (!id || !READS[kind]()) return null;
  if (cache[kind].has(id)) return cache[kind].get(id);
  const p = api.get(`${path}/${id}`).then((r) => r.data).catch(() => null);
  cache[kind].set(id, p);
  const v = await p;
  cache[kind].set(id, v);
  return v;
}

export const userOf = (id) => named('users', '/v1/users', id);
export const unitOf = (id) => named('units', '/v1/units', id);
export const regionOf = (id) => named('regions', '/v1/regions', id);
export const siteOf = (id) => named('sites', '/v1/network/sites', id);

/** The tenant's API keys not revoked (first 500), for the grant form and names. */
export async function listApiKeys() {
  if (!READS.users()) return [];
  try {
    const { data } = await api.get('/v1/api-keys', { limit: 500 });
    const live = data.items.filter((k) => !k.revoked_at);
    for (const k of live) apiKeys.set(k.id, k);
    return live;
  } catch { return []; }
}
const apiKeys = new Map();

/** A span filled, once known, with the user's login (and display name), or the API key's name. */
export function userName(id, kind = 'user') {
  if (kind === 'api_key' && apiKeys.has(id)) return h('span', { class: 'who' }, t('access.api_key', { name: apiKeys.get(id).name }));
  const el = h('span', { class: 'who' }, id ? id.slice(0, 8) : tl(`audit.actor.${kind}`, kind));
  if (id && kind === 'user') {
    userOf(id).then((u) => { if (u) el.textContent = u.display_name && u.display_name !== u.login ? `${u.display_name} (${u.login})` : u.login; });
  }
  return el;
}

/** A span naming a unit, region or site by id. */
export function thingName(kind, id) {
  const el = h('span', { class: 'thing' }, id ? id.slice(0, 8) : '');
  const f = { unit: unitOf, region: regionOf, site: siteOf }[kind];
  if (id && f) f(id).then((x) => { if (x) el.textContent = x.code ? `${x.name} (${x.code})` : x.name; });
  return el;
}

/** A grant's or permission's scope in words: the whole tenant, or the unit/region subtree. */
export function scopeLabel(scope) {
  if (!scope || scope.kind === 'tenant') return h('span', { class: 'scope' }, t('access.scope.tenant'));
  return h('span', { class: 'scope' }, t(`access.scope.${scope.kind}`), ' ', thingName(scope.kind, scope.id));
}

/** A rule's compared values, "actor: B+3 · target: A2". */
export function valuesText(values) {
  if (!values || typeof values !== 'object') return '';
  return Object.entries(values).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ');
}

/**
 * A policy decision (from /v1/access/check or a preview) in words: allowed with the grant
 * that allows it, or refused with the rule, the values compared and who could instead.
 */
export function decisionView(d) {
  if (!d) return h('div');
  if (d.allowed) {
    return h('div', { class: 'decision decision-allowed', role: 'status' },
      h('p', { class: 'decision-head' }, t('access.decision.allowed')),
      d.grant ? h('p', {}, t('access.decision.by_grant', { role: d.grant.role ? d.grant.role.name : '' }), ' ', scopeLabel(d.grant.scope)) : null);
  }
  const r = d.reason || {};
  const box = h('div', { class: 'decision decision-refused', role: 'status' },
    h('p', { class: 'decision-head' }, t('access.decision.refused', { status: d.status || 403 })),
    h('p', { class: 'decision-rule' }, r.rule || ''),
    h('p', { class: 'muted' }, tl(`access.code.${r.code}`, r.code || ''), r.values ? ` — ${valuesText(r.values)}` : ''));
  const who = d.could_instead || [];
  if (who.length) {
    box.append(h('p', {}, t('error.who_could')), h('ul', { class: 'who-could' }, who.map((w) => h('li', {},
      `${w.user.login}${w.user.grade ? ` (${w.user.grade})` : ''}`, w.grant && w.grant.role ? ` — ${w.grant.role.name}` : ''))));
  }
  return box;
}

/**
 * Make a refusal say everything the API said: the values the rule compared appended to its
 * words, and — when the problem names nobody — who could do it instead, asked of who-can for
 * `action` on `target` ("unit:…", "region:…"; silently skipped when the caller may not ask).
 * Returns the same error, for `throw await explainRefusal(e, …)`.
 */
export async function explainRefusal(err, action, target) {
  const p = err && err.problem;
  if (!p || err.status !== 403) return err;
  if (p.values && !p.field && !String(p.detail || '').includes(valuesText(p.values))) p.detail = `${p.detail} (${valuesText(p.values)})`;
  if (!(Array.isArray(p.who_could) && p.who_could.length) && action && can('access.read', true)) {
    try {
      const { data } = await api.get('/v1/access/who-can', { action, target });
      p.who_could = data.items.slice(0, 5).map((x) => ({ login: `${x.user.login}${x.user.grade ? ` (${x.user.grade})` : ''}` }));
    } catch { /* the caller may not ask who can; the rule's words stand alone */ }
  }
  return err;
}

/** The URL-safe query of a form's non-empty values. */
export function compact(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) if (v !== '' && v !== null && v !== undefined && v !== false) out[k] = v;
  return out;
}

/** Regions, for pickers: "华东 › 上海" labels, in tree order. */
export async function regionOptions() {
  if (!READS.regions()) return [];
  try {
    const { data } = await api.get('/v1/regions', { limit: 500 });
    const byId = new Map(data.items.map((r) => [r.id, r]));
    for (const r of data.items) cache.regions.set(r.id, r);
    const path = (r) => (r.parent_id && byId.has(r.parent_id) ? `${path(byId.get(r.parent_id))} › ${r.name}` : r.name);
    return data.items.map((r) => ({ value: r.id, label: path(r) })).sort((a, b) => a.label.localeCompare(b.label, 'zh-CN'));
  } catch { return []; }
}

/**
 * A server-side unit search (`/v1/org/search`) feeding a <select name=…>: type, press Enter or
 * the search button, then choose. Its words are in access.json, which every page using the kit
 * loads. Returns {element, select, query}.
 */
export function unitPicker(name, label, id = uid(name)) {
  const q = h('input', { type: 'search', id: uid('unit-q'), 'aria-label': t('access.unit.search') });
  const btn = h('button', { type: 'button' }, t('action.search'));
  const sel = h('select', { name, id }, h('option', { value: '' }, t('access.unit.choose')));
  async function run() {
    if (!q.value.trim()) return;
    try {
      const { data } = await api.get('/v1/org/search', { q: q.value.trim() });
      clear(sel).append(h('option', { value: '' }, t('access.unit.found', { n: data.units.length })),
        ...data.units.map((u) => { cache.units.set(u.id, u); return h('option', { value: u.id }, `${u.name} (${u.code})`); }));
      if (data.units.length) sel.selectedIndex = 1;
      sel.dispatchEvent(new Event('change', { bubbles: true }));
    } catch (err) { showProblem(status, err); }
  }
  const status = h('div');
  btn.addEventListener('click', run);
  q.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); run(); } });
  const element = h('div', { class: 'field unit-picker' }, h('label', { for: sel.id }, label),
    h('div', { class: 'inline' }, q, btn), sel, status);
  return { element, select: sel, query: q };
}

/** A preview: the decision on the caller making it, then who gains or loses what, where. */
export function previewView(data) {
  const box = h('div', { class: 'preview' }, h('h3', {}, t('access.preview.title')), decisionView(data.decision));
  const changes = data.changes || [];
  if (data.undefined && data.undefined.length) {
    box.append(h('h4', {}, t('access.ladder.undefined')), h('ul', {}, data.undefined.map((u) => h('li', {},
      `${u.grade}: ${u.reason} — `, (u.used_by || []).map((x) => `${tl(`access.used_by.${x.kind}`, x.kind)} ${x.label}`).join(', ')))));
  }
  if (!changes.length) { box.append(h('p', { class: 'muted' }, t('access.preview.no_changes'))); return box; }
  box.append(h('ul', { class: 'impact' }, changes.map((c) => h('li', {},
    h('strong', {}, c.subject.label || c.subject.id), c.subject.grade ? ` (${c.subject.grade})` : '',
    (c.gains || []).length ? h('div', { class: 'gains' }, h('span', { class: 'badge badge-ok' }, t('access.preview.gains')),
      h('ul', { class: 'perm-list' }, c.gains.map((x) => h('li', {}, tl(`access.perm.${x.permission}`, x.permission), ' — ', scopeLabel(x.scope))))) : null,
    (c.loses || []).length ? h('div', { class: 'loses' }, h('span', { class: 'badge badge-danger' }, t('access.preview.loses')),
      h('ul', { class: 'perm-list' }, c.loses.map((x) => h('li', {}, tl(`access.perm.${x.permission}`, x.permission), ' — ', scopeLabel(x.scope))))) : null))));
  return box;
}
