// The permissions page's administration tabs for grants (#/access?tab=grants, ?tab=exceeding):
// grants listed with the API's cursor; a grant made only after its impact preview (who gains which
// permission where, and whether the policy lets the caller make it); a revocation previewed (who
// loses what) before it is confirmed; and the grants that outgrew their grantor, revoked one by one
// or all at once, with the policy's reason for any it refuses.
import { api } from '../lib/api.js';
import { h, clear, showProblem, dialog, toast, table } from '../lib/dom.js';
import { bindForm, showFieldErrors, clearFieldErrors } from '../lib/forms.js';
import { t, formatDate } from '../lib/i18n.js';
import {
  tl, field, select, cursorList, listUsers, listApiKeys, userName, scopeLabel, valuesText, regionOptions, unitPicker, compact, previewView,
} from './access-kit.js';

// ---- grants: list, grant with preview, revoke with preview ---------------------------------

export async function renderGrants(body) {
  const [users, keys, rolesRes, regions] = await Promise.all([listUsers(), listApiKeys(), api.get('/v1/access/roles', { limit: 500 }), regionOptions()]);
  const roles = rolesRes.data.items;

  // The grant form: preview first, then save. A grantee is an account or an API key.
  const subject = h('select', { name: 'subject.id', id: 'grant-subject' }, h('option', { value: '' }, t('access.grant.choose_user')),
    h('optgroup', { label: t('access.grant.users') }, users.filter((u) => !u.disabled).map((u) =>
      h('option', { value: u.id }, `${u.display_name || u.login} (${u.login}${u.grade ? `, ${u.grade}` : ''})`))),
    keys.length ? h('optgroup', { label: t('access.grant.api_keys') }, keys.map((k) => h('option', { value: `api_key:${k.id}` }, k.name))) : null);
  const role = select('role_id', [{ value: '', label: t('access.grant.choose_role') }, ...roles.map((r) => ({ value: r.id, label: r.name }))], '', { id: 'grant-role' });
  const scopeKind = select('scope.kind', ['tenant', 'unit', 'region'].map((k) => ({ value: k, label: t(`access.scope.kind.${k}`) })), 'unit', { id: 'grant-scope-kind' });
  const unit = unitPicker('scope.id', t('access.grant.unit'), 'grant-unit');
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
    const [kind, id] = subject.value.startsWith('api_key:') ? ['api_key', subject.value.slice(8)] : ['user', subject.value];
    return compact({ subject: { kind, id: id || null }, role_id: role.value || null, scope,
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

// ---- grants beyond their grantor -----------------------------------------------------------

export async function renderExceeding(body) {
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

