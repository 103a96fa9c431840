// The permissions page (#/access): what I may do where and the grants behind it; "may I…" and
// "who can…" questions to the policy; grants made and revoked with their impact previewed before
// anything is saved; grants that outgrew their grantor; the grade ladder (replaced only after its
// preview) and the roles. Every refusal is the policy's own words, with who could do it instead.
import { api } from '../lib/api.js';
import { h, clear, table } from '../lib/dom.js';
import { bindForm } from '../lib/forms.js';
import { t, formatDate } from '../lib/i18n.js';
import {
  tl, field, select, listUsers, scopeLabel, decisionView, regionOptions, unitPicker, setViewer,
} from './access-kit.js';
import { renderGrants, renderExceeding } from './access-grants.js';
import { renderLadder, renderRoles } from './access-ladder.js';

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
  const unit = unitPicker('target_unit', t('access.target.unit'), `${prefix}-unit`);
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
