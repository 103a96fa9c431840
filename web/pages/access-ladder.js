// The permissions page's tabs for the grade ladder and the roles (#/access?tab=ladder, ?tab=roles):
// the ladder shown tier by tier and replaced only after its preview (grades in use that would
// become undefined block it); each role's permissions in words, edited by an administrator with
// the same preview of who would gain or lose what.
import { api } from '../lib/api.js';
import { h, clear, dialog, toast, table, badge } from '../lib/dom.js';
import { bindForm, showFieldErrors, clearFieldErrors } from '../lib/forms.js';
import { t } from '../lib/i18n.js';
import { tl, field, previewView, can } from './access-kit.js';

// ---- ladder --------------------------------------------------------------------------------

export async function renderLadder(body) {
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

export async function renderRoles(body, params, ctx) {
  const { data } = await api.get('/v1/access/roles', { limit: 500 });
  const editable = can('access.write', true);
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
