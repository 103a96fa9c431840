// The permissions page (#/access): what I may do where and the grants behind it; "may I…" and
// "who can…" questions to the policy; grants made and revoked with their impact previewed before
// anything is saved; grants that outgrew their grantor; the grade ladder (replaced only after its
// preview) and the roles. Every refusal is the policy's own words, with who could do it instead.
import { api } from '../lib/api.js';
import { h, clear, showProblem, dialog, toast, table, badge } from '../lib/dom.js';
import { bindForm, showFieldErrors, clearFieldErrors } from '../lib/forms.js';
import { t, formatDate } from '../lib/i18n.js';
import {
  tl, field, select, cursorList, listUsers, userName, scopeLabel, decisionView, valuesText,
  regionOptions, unitPicker, compact, setViewer,
} from './access-kit.js';

const TABS = ['me', 'ask', 'grants', 'exceeding', 'ladder', 'roles'];
const ADMIN_TABS = new Set(['grants', 'exceeding', 'ladder', 'roles']);

// Actions one may ask about, grouped by the target they take (docs/permissions.md).
const ACTIONS = {
  unit: ['unit.read', 'unit.update', 'unit.create', 'unit.move', 'unit.merge', 'unit.archive', 'position.create', 'assignment.create'],
  position: ['position.read', 'position.update', 'position.archive', 'assignment.create', 'assignment.end'],
  region: ['region.read', 'region.write', 'site.read', 'site.write', 'site.suspend', 'site.terminate', 'inspection.create', 'case.handle'],
  tenant: ['ladder.replace', 'tenant.update', 'user.create', 'role.create', 'audit.read', 'grant.read', 'case.handle', 'case.free_repair'],
  user: ['user.read', 'user.update', 'user.disable', 'user.link_person'],
};

function hasTenant(me, perm) {
  return !!(me && me.permissions && (me.permissions[perm] || []).some((s) => s.kind === 'tenant'));
}

export async function render(root, params, ctx) {
  setViewer(ctx.me);
  const admin = hasTenant(ctx.me, 'access.read');
  const tabs = TABS.filter((x) => admin || !ADMIN_TABS.has(x));
  const tab = tabs.includes(params.get('tab')) ? params.get('tab') : 'me';
  root.append(h('h1', {}, t('access.title')),
    h('nav', { class: 'tabs', 'aria-label': t('access.tabs') }, h('ul', {}, tabs.map((x) => h('li', {},
      h('a', { href: `#/access?tab=${x}`, id: `access-tab-${x}`, 'aria-current': x === tab ? 'page' : null }, t(`access.tab.${x}`)))))));
  const body = h('section', { class: 'access-body', 'aria-labelledby': `access-tab-${tab}` });
  root.append(body);
  await ({ me: renderMe, ask: renderAsk, grants: renderGrants, exceeding: renderExceeding, ladder: renderLadder, roles: renderRoles })[tab](body, params, ctx);
}

// ---- my access ------------------------------------------------------------------------------

async function renderMe(body) {
  const { data: me } = await api.get('/v1/access/me');
  body.append(h('h2', {}, t('access.me.title')),
    h('dl', { class: 'facts' },
      h('dt', {}, t('access.me.login')), h('dd', {}, me.subject.login || me.subject.id),
      h('dt', {}, t('access.me.grade')), h('dd', {}, me.grade || t('common.none')),
      h('dt', {}, t('access.me.effective_grade')), h('dd', {}, me.effective_grade || t('common.none'),
        me.grade_from ? h('span', { class: 'muted' }, ` — ${t(`access.me.grade_from.${me.grade_from}`)}`) : null)));

  body.append(h('h3', {}, t('access.me.permissions')));
  const perms = Object.entries(me.permissions || {});
  body.append(perms.length ? table(
    [{ label: t('access.col.permission'), render: (r) => permLabel(r[0]) },
      { label: t('access.col.where'), render: (r) => h('span', {}, r[1].map((s, i) => [i ? ', ' : '', scopeLabel(s)])) }],
    perms, { caption: t('access.me.permissions_caption') }) : h('p', { class: 'muted' }, t('access.me.no_permissions')));

  body.append(h('h3', {}, t('access.me.grants')), grantTable(me.grants || [], t('access.me.grants_caption')));
  if ((me.inert_grants || []).length) {
    body.append(h('h3', {}, t('access.me.inert')), h('p', { class: 'muted' }, t('access.me.inert_hint')), grantTable(me.inert_grants, t('access.me.inert')));
  }
  if ((me.expired_grants || []).length) body.append(h('h3', {}, t('access.me.expired')), grantTable(me.expired_grants, t('access.me.expired')));
}

function permLabel(p) {
  return h('span', {}, tl(`access.perm.${p}`, p), ' ', h('code', { class: 'muted' }, p));
}

function grantTable(grants, caption) {
  return table([
    { label: t('access.col.role'), render: (g) => (g.role ? g.role.name : '') },
    { label: t('access.col.scope'), render: (g) => scopeLabel(g.scope) },
    { label: t('access.col.expires'), render: (g) => (g.expires_at ? formatDate(g.expires_at) : t('access.never')) },
  ], grants, { caption });
}

// ---- may I / who can -----------------------------------------------------------------------

/** A target chooser: kind, then the unit (searched), region or user; returns {element, read()}. */
async function targetChooser(prefix) {
  const kinds = ['unit', 'region', 'tenant', 'user'];
  const kind = select('target_kind', kinds.map((k) => ({ value: k, label: t(`access.target.${k}`) })), 'unit', { id: `${prefix}-kind` });
  const action = select('action', [], '', { id: `${prefix}-action` });
  const unit = unitPicker('target_unit', t('access.target.unit'));
  unit.element.id = `${prefix}-unit`;
  const regions = await regionOptions();
  const region = select('target_region', regions, '', { id: `${prefix}-region` });
  const users = await listUsers();
  const user = select('target_user', users.map((u) => ({ value: u.id, label: `${u.login}${u.grade ? ` (${u.grade})` : ''}` })), '', { id: `${prefix}-user` });
  const regionField = field(t('access.target.region'), region);
  const userField = field(t('access.target.user'), user);
  function sync() {
    const k = kind.value;
    unit.element.hidden = k !== 'unit';
    regionField.hidden = k !== 'region';
    userField.hidden = k !== 'user';
    const keep = action.value;
    clear(action).append(...(ACTIONS[k] || []).map((a) => h('option', { value: a, selected: a === keep }, `${tl(`access.action.${a}`, a)} — ${a}`)));
  }
  kind.addEventListener('change', sync);
  sync();
  const element = h('div', { class: 'target-chooser' }, field(t('access.target.kind'), kind), unit.element, regionField, userField,
    field(t('access.action'), action));
  function read() {
    const k = kind.value;
    const id = k === 'unit' ? unit.select.value : k === 'region' ? region.value : k === 'user' ? user.value : null;
    return { action: action.value, kind: k, id };
  }
  return { element, read };
}

async function renderAsk(body, params, ctx) {
  const admin = hasTenant(ctx.me, 'access.read');
  // May I…?
  const mine = await targetChooser('check');
  const checkOut = h('div', { class: 'decision-out', 'aria-live': 'polite' });
  const checkForm = h('form', { class: 'panel ask-form', id: 'check-form', 'aria-labelledby': 'check-title' },
    h('h2', { id: 'check-title' }, t('access.check.title')), h('p', { class: 'muted' }, t('access.check.hint')),
    mine.element, h('button', { type: 'submit', class: 'primary' }, t('access.check.submit')), checkOut);
  bindForm(checkForm, {
    onSubmit: async () => {
      const q = mine.read();
      const target = q.kind === 'tenant' ? { kind: 'tenant' } : { kind: q.kind, id: q.id || null };
      const { data } = await api.send('POST', '/v1/access/check', { action: q.action, target });
      clear(checkOut).append(decisionView(data));
    },
  });
  const grid = h('div', { class: 'access-ask' }, checkForm);
  body.append(grid);
  if (!admin) return;
  // Who can…?
  const who = await targetChooser('whocan');
  const whoOut = h('div', { class: 'who-out', 'aria-live': 'polite' });
  const whoForm = h('form', { class: 'panel ask-form', id: 'whocan-form', 'aria-labelledby': 'whocan-title' },
    h('h2', { id: 'whocan-title' }, t('access.whocan.title')), h('p', { class: 'muted' }, t('access.whocan.hint')),
    who.element, h('button', { type: 'submit', class: 'primary' }, t('access.whocan.submit')), whoOut);
  bindForm(whoForm, {
    onSubmit: async () => {
      const q = who.read();
      const target = q.kind === 'tenant' ? 'tenant' : `${q.kind}:${q.id || ''}`;
      const { data } = await api.get('/v1/access/who-can', { action: q.action, target });
      clear(whoOut).append(data.items.length ? table([
        { label: t('access.col.user'), render: (r) => `${r.user.login}` },
        { label: t('access.col.grade'), render: (r) => r.user.grade || '' },
        { label: t('access.col.role'), render: (r) => (r.grant && r.grant.role ? r.grant.role.name : '') },
        { label: t('access.col.scope'), render: (r) => (r.grant ? scopeLabel(r.grant.scope) : '') },
      ], data.items, { caption: t('access.whocan.caption', { action: data.action, n: data.items.length }) })
        : h('p', { class: 'muted' }, t('access.whocan.nobody')));
    },
  });
  grid.append(whoForm);
}

// ---- grants: list, grant with preview, revoke with preview ---------------------------------

async function renderGrants(body) {
  const [users, rolesRes, regions] = await Promise.all([listUsers(), api.get('/v1/access/roles', { limit: 500 }), regionOptions()]);
  const roles = rolesRes.data.items;
  const userOpts = [{ value: '', label: t('access.grant.choose_user') },
    ...users.filter((u) => !u.disabled).map((u) => ({ value: u.id, label: `${u.display_name || u.login} (${u.login}${u.grade ? `, ${u.grade}` : ''})` }))];

  // The grant form: preview first, then save.
  const subject = select('subject.id', userOpts, '', { id: 'grant-subject' });
  const role = select('role_id', [{ value: '', label: t('access.grant.choose_role') }, ...roles.map((r) => ({ value: r.id, label: r.name }))], '', { id: 'grant-role' });
  const scopeKind = select('scope.kind', ['tenant', 'unit', 'region'].map((k) => ({ value: k, label: t(`access.scope.kind.${k}`) })), 'unit', { id: 'grant-scope-kind' });
  const unit = unitPicker('scope.id', t('access.grant.unit'));
  unit.select.id = 'grant-unit';
  const region = select('scope.region', [{ value: '', label: t('access.grant.choose_region') }, ...regions], '', { id: 'grant-region' });
  const regionField = field(t('access.grant.region'), region);
  const expires = h('input', { type: 'date', name: 'expires_at', id: 'grant-expires' });
  const previewOut = h('div', { class: 'preview-out', id: 'grant-preview', 'aria-live': 'polite' });
  const previewBtn = h('button', { type: 'button', id: 'grant-preview-btn' }, t('access.grant.preview'));
  const saveBtn = h('button', { type: 'submit', class: 'primary', id: 'grant-save', disabled: true }, t('access.grant.save'));
  const form = h('form', { class: 'panel grant-form', id: 'grant-form', 'aria-labelledby': 'grant-title' },
    h('h2', { id: 'grant-title' }, t('access.grant.title')), h('p', { class: 'muted' }, t('access.grant.hint')),
    field(t('access.grant.subject'), subject), field(t('access.grant.role'), role), field(t('access.grant.scope'), scopeKind),
    unit.element, regionField, field(t('access.grant.expires'), expires, t('access.grant.expires_hint')),
    h('div', { class: 'actions' }, previewBtn, saveBtn), previewOut);
  const syncScope = () => { unit.element.hidden = scopeKind.value !== 'unit'; regionField.hidden = scopeKind.value !== 'region'; };
  scopeKind.addEventListener('change', syncScope);
  syncScope();

  function grantBody() {
    const k = scopeKind.value;
    const scope = k === 'tenant' ? { kind: 'tenant' } : { kind: k, id: (k === 'unit' ? unit.select.value : region.value) || null };
    return compact({ subject: { kind: 'user', id: subject.value || null }, role_id: role.value || null, scope,
      expires_at: expires.value ? `${expires.value}T00:00:00Z` : null });
  }
  // Any change invalidates the preview: the user saves only what they have seen.
  form.addEventListener('change', () => { saveBtn.disabled = true; clear(previewOut); });
  previewBtn.addEventListener('click', async () => {
    clearFieldErrors(form);
    clear(previewOut);
    try {
      const { data } = await api.send('POST', '/v1/access/preview', { action: 'grant.create', grant: grantBody() });
      previewOut.append(previewView(data));
      saveBtn.disabled = !data.decision.allowed;
    } catch (err) { showFieldErrors(form, fixField(err)); }
  });

  const list = cursorList({
    fetchPage: async (cursor) => (await api.get('/v1/access/grants', compact({ limit: 50, cursor }))).data,
    renderItems: (items, container, first) => {
      let tbody = container.querySelector('tbody');
      if (first || !tbody) {
        const tbl = table(grantColumns(), [], { caption: t('access.grants.caption') });
        tbl.id = 'grants-table';
        container.append(tbl);
        tbody = tbl.querySelector('tbody');
      }
      for (const g of items) tbody.append(grantRow(g, () => list.reload()));
    },
  });
  bindForm(form, {
    draftKey: 'access.grant',
    onSubmit: async () => {
      const { data } = await api.send('POST', '/v1/access/grants', grantBody());
      toast(t('access.grant.saved', { role: data.role.name }));
      saveBtn.disabled = true;
      clear(previewOut).append(h('p', { class: 'ok', role: 'status' }, t('access.grant.saved', { role: data.role.name })));
      list.reload();
    },
  });
  syncScope();
  body.append(h('div', { class: 'access-grants' }, form, h('section', { 'aria-labelledby': 'grants-title' },
    h('h2', { id: 'grants-title' }, t('access.grants.title')), list.element)));
  await list.reload();
}

/** The API names `scope.id` / `subject.id`; the form's inputs carry those names too. */
function fixField(err) {
  const p = err && err.problem;
  if (p && p.field === 'scope.id' && document.getElementById('grant-scope-kind')?.value === 'region') p.field = 'scope.region';
  return err;
}

function grantColumns() {
  return [
    { label: t('access.col.user') }, { label: t('access.col.role') }, { label: t('access.col.scope') },
    { label: t('access.col.expires') }, { label: t('access.col.granted_by') }, { label: t('access.col.actions') },
  ];
}

function grantRow(g, reload) {
  const revoke = h('button', { type: 'button', class: 'danger', 'aria-label': t('access.revoke.label', { role: g.role.name }) }, t('access.revoke.button'));
  revoke.addEventListener('click', () => revokeDialog(g, reload));
  return h('tr', { 'data-grant': g.id },
    h('td', {}, userName(g.subject.id, g.subject.kind)), h('td', {}, g.role.name), h('td', {}, scopeLabel(g.scope)),
    h('td', {}, g.expires_at ? formatDate(g.expires_at) : t('access.never')),
    h('td', {}, g.granted_by ? userName(g.granted_by) : t('access.founding')), h('td', {}, revoke));
}

/** Revoke: the preview first (who loses what), then the confirmation. */
async function revokeDialog(g, reload) {
  const out = h('div', { 'aria-live': 'polite' }, h('p', {}, t('common.loading')));
  const confirm = h('button', { type: 'button', class: 'danger', id: 'revoke-confirm', disabled: true }, t('access.revoke.confirm'));
  const cancel = h('button', { type: 'button' }, t('action.cancel'));
  const d = dialog(t('access.revoke.title', { role: g.role.name }), [out, h('div', { class: 'actions' }, cancel, confirm)]);
  cancel.addEventListener('click', () => d.close());
  try {
    const { data } = await api.send('POST', '/v1/access/preview', { action: 'grant.revoke', grant_id: g.id });
    clear(out).append(previewView(data));
    confirm.disabled = !data.decision.allowed;
    confirm.focus();
  } catch (err) { showProblem(out, err); }
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    try {
      await api.send('DELETE', `/v1/access/grants/${g.id}`);
      d.close();
      toast(t('access.revoke.done', { role: g.role.name }));
      reload();
    } catch (err) { showProblem(out, err); }
  });
}

/** A preview: the decision on the caller making it, then who gains or loses what, where. */
function previewView(data) {
  const box = h('div', { class: 'preview' }, h('h3', {}, t('access.preview.title')), decisionView(data.decision));
  const changes = data.changes || [];
  if (data.undefined && data.undefined.length) {
    box.append(h('h4', {}, t('access.ladder.undefined')), h('ul', {}, data.undefined.map((u) => h('li', {},
      `${u.grade}: ${u.reason} — `, (u.used_by || []).map((x) => `${t(`access.used_by.${x.kind}`)} ${x.label}`).join(', ')))));
  }
  if (!changes.length) { box.append(h('p', { class: 'muted' }, t('access.preview.no_changes'))); return box; }
  box.append(h('ul', { class: 'impact' }, changes.map((c) => h('li', {},
    h('strong', {}, c.subject.label || c.subject.id), c.subject.grade ? ` (${c.subject.grade})` : '',
    (c.gains || []).length ? h('div', { class: 'gains' }, h('span', { class: 'badge badge-ok' }, t('access.preview.gains')), ' ',
      c.gains.map((x, i) => [i ? '; ' : '', tl(`access.perm.${x.permission}`, x.permission), ' @ ', scopeLabel(x.scope)])) : null,
    (c.loses || []).length ? h('div', { class: 'loses' }, h('span', { class: 'badge badge-danger' }, t('access.preview.loses')), ' ',
      c.loses.map((x, i) => [i ? '; ' : '', tl(`access.perm.${x.permission}`, x.permission), ' @ ', scopeLabel(x.scope)])) : null))));
  return box;
}

// ---- grants beyond their grantor -----------------------------------------------------------

async function renderExceeding(body) {
  body.append(h('h2', {}, t('access.exceeding.title')), h('p', { class: 'muted' }, t('access.exceeding.hint')));
  const out = h('div', { 'aria-live': 'polite' });
  body.append(out);
  async function load() {
    const { data } = await api.get('/v1/access/grants/exceeding');
    clear(out);
    if (!data.items.length) { out.append(h('p', { class: 'muted', id: 'exceeding-none' }, t('access.exceeding.none'))); return; }
    const all = h('button', { type: 'button', class: 'danger', id: 'exceeding-revoke-all' }, t('access.exceeding.revoke_all', { n: data.items.length }));
    all.addEventListener('click', () => revokeExceeding(null, out, load));
    out.append(table([
      { label: t('access.col.user'), render: (r) => userName(r.grant.subject.id, r.grant.subject.kind) },
      { label: t('access.col.role'), render: (r) => r.grant.role.name },
      { label: t('access.col.scope'), render: (r) => scopeLabel(r.grant.scope) },
      { label: t('access.col.granted_by'), render: (r) => (r.grant.granted_by ? userName(r.grant.granted_by) : '') },
      { label: t('access.col.reason'), render: (r) => h('span', {}, h('strong', {}, tl(`access.code.${r.reason.code}`, r.reason.code)), ' — ', r.reason.rule, r.reason.values ? h('div', { class: 'muted' }, valuesText(r.reason.values)) : null) },
      { label: t('access.col.actions'), render: (r) => { const b = h('button', { type: 'button', class: 'danger', 'aria-label': t('access.revoke.label', { role: r.grant.role.name }) }, t('access.revoke.button')); b.addEventListener('click', () => revokeExceeding([r.grant.id], out, load)); return b; } },
    ], data.items, { caption: t('access.exceeding.caption', { n: data.items.length }) }), all);
  }
  await load();
}

async function revokeExceeding(ids, out, reload) {
  try {
    const { data } = await api.send('POST', '/v1/access/grants/exceeding/revoke', ids ? { grant_ids: ids } : {});
    toast(t('access.exceeding.done', { revoked: data.revoked.length, refused: data.refused.length }));
    await reload();
    if (data.refused.length) {
      out.prepend(h('div', { class: 'problem', role: 'alert' }, h('p', {}, t('access.exceeding.refused')),
        h('ul', {}, data.refused.map((r) => h('li', {}, `${r.grant.role.name}: ${r.reason.rule} (${r.reason.code})`)))));
    }
  } catch (err) { showProblem(out, err); }
}

// ---- ladder --------------------------------------------------------------------------------

async function renderLadder(body) {
  const { data: ladder } = await api.get('/v1/access/ladder');
  body.append(h('h2', {}, t('access.ladder.title')),
    h('p', {}, t('access.ladder.restructure', { tier: ladder.restructure_tier })),
    table([{ label: t('access.ladder.tier'), key: 'tier' }, { label: t('access.ladder.levels'), key: 'levels' },
      { label: t('access.ladder.grades'), render: (r) => ladder.grades.filter((g) => gradeTier(g, ladder) === r.tier).join(' · ') }],
    ladder.tiers, { caption: t('access.ladder.caption') }));

  // Replace it: edit the tiers, see the preview, then apply.
  const rows = h('tbody');
  const addRow = (tier = '', levels = 1) => {
    const n = rows.children.length + 1;
    const name = h('input', { name: `tier_${n}`, value: tier, 'aria-label': t('access.ladder.tier_n', { n }), size: 6 });
    const lv = h('input', { name: `levels_${n}`, type: 'number', min: 1, value: levels, 'aria-label': t('access.ladder.levels_n', { n }) });
    const rm = h('button', { type: 'button', 'aria-label': t('access.ladder.remove_n', { n }) }, '−');
    const tr = h('tr', {}, h('td', {}, name), h('td', {}, lv), h('td', {}, rm));
    rm.addEventListener('click', () => { tr.remove(); invalidate(); });
    rows.append(tr);
  };
  ladder.tiers.forEach((x) => addRow(x.tier, x.levels));
  const restructure = h('input', { name: 'restructure_tier', id: 'ladder-restructure', value: ladder.restructure_tier, size: 6 });
  const add = h('button', { type: 'button', id: 'ladder-add' }, t('access.ladder.add'));
  add.addEventListener('click', () => { addRow(); invalidate(); });
  const previewBtn = h('button', { type: 'button', id: 'ladder-preview-btn' }, t('access.ladder.preview'));
  const apply = h('button', { type: 'submit', class: 'primary', id: 'ladder-apply', disabled: true }, t('access.ladder.apply'));
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'panel', id: 'ladder-form', 'aria-labelledby': 'ladder-edit-title' },
    h('h3', { id: 'ladder-edit-title' }, t('access.ladder.edit')), h('p', { class: 'muted' }, t('access.ladder.edit_hint')),
    h('table', { class: 'data ladder-edit' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('access.ladder.tier')),
      h('th', { scope: 'col' }, t('access.ladder.levels')), h('th', { scope: 'col' }, t('access.col.actions')))), rows),
    add, field(t('access.ladder.restructure_label'), restructure), h('div', { class: 'actions' }, previewBtn, apply), out);
  function invalidate() { apply.disabled = true; clear(out); }
  form.addEventListener('input', invalidate);
  const doc = () => ({
    tiers: [...rows.children].map((tr) => { const [a, b] = tr.querySelectorAll('input'); return { tier: a.value.trim(), levels: Number(b.value) }; }),
    restructure_tier: restructure.value.trim() || null,
  });
  previewBtn.addEventListener('click', async () => {
    clearFieldErrors(form);
    clear(out);
    try {
      const { data } = await api.send('POST', '/v1/access/ladder/preview', doc());
      out.append(previewView(data));
      apply.disabled = !data.decision.allowed || (data.undefined || []).length > 0;
    } catch (err) { showFieldErrors(form, err); }
  });
  bindForm(form, {
    onSubmit: async () => {
      await api.send('PUT', '/v1/access/ladder', doc());
      toast(t('common.saved'));
      clear(body);
      await renderLadder(body);
    },
  });
  body.append(form);
}

function gradeTier(grade, ladder) {
  return ladder.tiers.map((x) => x.tier).filter((tier) => grade.startsWith(tier) && /^[0-9]+$/.test(grade.slice(tier.length)))
    .sort((a, b) => b.length - a.length)[0];
}

// ---- roles ---------------------------------------------------------------------------------

async function renderRoles(body, params, ctx) {
  const { data } = await api.get('/v1/access/roles', { limit: 500 });
  const editable = hasTenant(ctx.me, 'access.write');
  body.append(h('h2', {}, t('access.roles.title')), table([
    { label: t('access.col.role'), render: (r) => h('span', {}, h('strong', {}, r.name), r.builtin ? [' ', badge(t('access.roles.builtin'), 'info')] : null,
      r.description ? h('div', { class: 'muted' }, r.description) : null) },
    { label: t('access.roles.permissions'), render: (r) => h('ul', { class: 'chips' }, r.permissions.map((p) => h('li', { title: p }, tl(`access.perm.${p}`, p)))) },
    { label: t('access.roles.minimum_grade'), render: (r) => r.minimum_grade || t('common.none') },
    { label: t('access.roles.grant_count'), render: (r) => String(r.grant_count ?? '') },
    ...(editable ? [{ label: t('access.col.actions'), render: (r) => {
      const b = h('button', { type: 'button', 'data-role': r.id, 'aria-label': t('access.roles.edit_label', { role: r.name }) }, t('access.roles.edit'));
      b.addEventListener('click', () => roleDialog(r, () => { clear(body); renderRoles(body, params, ctx); }));
      return b;
    } }] : []),
  ], data.items, { caption: t('access.roles.caption', { n: data.items.length }) }));
}

/** Edit a role's permissions and minimum grade: preview who gains or loses what, then save. */
function roleDialog(role, reload) {
  const perms = Object.keys(PERMISSIONS_ORDER);
  const boxes = perms.map((p) => {
    const id = `role-perm-${p.replace('.', '-')}`;
    return h('div', { class: 'check' }, h('input', { type: 'checkbox', id, name: `perm:${p}`, checked: role.permissions.includes(p) }),
      h('label', { for: id }, tl(`access.perm.${p}`, p), ' ', h('code', { class: 'muted' }, p)));
  });
  const minimum = h('input', { name: 'minimum_grade', id: 'role-minimum', value: role.minimum_grade || '', size: 8 });
  const out = h('div', { 'aria-live': 'polite' });
  const previewBtn = h('button', { type: 'button', id: 'role-preview-btn' }, t('access.grant.preview'));
  const save = h('button', { type: 'submit', class: 'primary', id: 'role-save', disabled: true }, t('action.save'));
  const form = h('form', { id: 'role-form' }, h('fieldset', { class: 'perm-boxes' }, h('legend', {}, t('access.roles.permissions')), boxes),
    field(t('access.roles.minimum_grade'), minimum, t('access.roles.minimum_hint')), h('div', { class: 'actions' }, previewBtn, save), out);
  const d = dialog(t('access.roles.edit_title', { role: role.name }), form);
  const chosen = () => perms.filter((p) => form.elements[`perm:${p}`].checked);
  const change = () => {
    const m = minimum.value.trim();
    return m ? { permissions: chosen(), minimum_grade: m } : { permissions: chosen(), clear_minimum_grade: true };
  };
  form.addEventListener('change', () => { save.disabled = true; clear(out); });
  form.addEventListener('input', () => { save.disabled = true; clear(out); });
  previewBtn.addEventListener('click', async () => {
    clearFieldErrors(form);
    clear(out);
    try {
      const { data } = await api.send('POST', '/v1/access/preview', { action: 'role.update', role_id: role.id, ...change() });
      out.append(previewView(data));
      save.disabled = !data.decision.allowed;
    } catch (err) { showFieldErrors(form, err); }
  });
  bindForm(form, {
    onSubmit: async () => {
      const c = change();
      await api.send('PATCH', `/v1/access/roles/${role.id}`, { permissions: c.permissions, minimum_grade: c.minimum_grade ?? null });
      d.close();
      toast(t('common.saved'));
      reload();
    },
  });
}

// The catalog in docs/permissions.md's order, for the role editor's checkboxes.
const PERMISSIONS_ORDER = Object.fromEntries(['org.read', 'org.write', 'org.restructure', 'people.read', 'people.read_private',
  'assignments.write', 'access.read', 'access.write', 'network.read', 'network.write', 'network.inspect', 'cases.handle',
  'audit.read', 'tenant.admin'].map((p, i) => [p, i]));
