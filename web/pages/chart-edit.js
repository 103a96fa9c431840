// Editing the org chart: the side panel of a unit (its posts, holders and the actions on them),
// and the dialogs that create, rename, move, merge, archive units and positions and appoint or
// end assignments. What the user may not do is shown disabled with the policy's reason (from
// POST /v1/access/check) on hover and focus; every change sends If-Match with the ETag read, a
// 412 shows what changed and lets the user reapply, and a refusal shows the policy's words and
// who could do it instead.
import { api, ApiError, explainRefusal } from '../lib/api.js';
import { t, formatDate } from '../lib/i18n.js';
import { h, clear, showProblem, badge, dialog, toast, uid } from '../lib/dom.js';
import { bindForm } from '../lib/forms.js';
import { holderBadge, headcountText, today } from './chart.js';

// ---- permissions ------------------------------------------------------------------------------

/** checks: [{key, action, target}] → Map key → {allowed, reason}. One batch request. */
async function checkAll(checks) {
  const out = new Map();
  if (!checks.length) return out;
  try {
    const res = await api.send('POST', '/v1/access/check', { checks: checks.map(({ action, target }) => ({ action, target })) });
    res.data.results.forEach((r, i) => out.set(checks[i].key, r));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // Without an answer every action stays enabled and the server decides on submit.
  }
  return out;
}

function reasonText(r) {
  if (!r || r.allowed !== false) return '';
  const why = r.reason || {};
  const values = why.values ? Object.entries(why.values).map(([k, v]) => `${k}: ${v}`).join(', ') : '';
  return [why.rule || why.detail || why.code || t('edit.denied'), values && `(${values})`].filter(Boolean).join(' ');
}

/** A button that, when the policy says no, stays focusable, says why, and explains on click. */
function actionButton(label, verdict, onClick, { id, cls } = {}) {
  const reason = reasonText(verdict);
  const b = h('button', { type: 'button', class: ['act', cls], id }, label);
  if (reason) {
    const rid = uid('why');
    b.setAttribute('aria-disabled', 'true');
    b.setAttribute('aria-describedby', rid);
    b.title = reason;
    const note = h('span', { id: rid, class: 'visually-hidden' }, t('edit.not_allowed', { reason }));
    b.addEventListener('click', () => explainDenied(b, verdict));
    return h('span', { class: 'act-wrap' }, b, note);
  }
  b.addEventListener('click', onClick);
  return b;
}

/** Show the refusal of an action the user tried anyway, with who could do it. */
function explainDenied(button, verdict) {
  const panel = button.closest('.unit-panel') || button.closest('.chart-side');
  const box = panel.querySelector('.panel-problem');
  const err = new ApiError(403, {
    code: verdict.reason && verdict.reason.code,
    detail: reasonText(verdict),
    who_could: verdict.could_instead,
  });
  const action = verdict.action; const target = verdict._target;
  if (!verdict.could_instead && target) {
    explainRefusal(err, action, target).then(() => showProblem(box, err));
  } else showProblem(box, err);
}

// ---- the unit panel ---------------------------------------------------------------------------

export async function openUnitPanel(side, unit, chart, { focus = true } = {}) {
  clear(side);
  const panel = h('section', { class: 'unit-panel', 'aria-labelledby': 'unit-panel-title' });
  side.append(panel);
  const asOf = chart.asOf();
  const past = asOf !== today();
  const checks = [
    { key: 'unit.update', action: 'unit.update', target: { kind: 'unit', id: unit.id } },
    { key: 'unit.create', action: 'unit.create', target: { kind: 'unit', id: unit.id } },
    { key: 'unit.archive', action: 'unit.archive', target: { kind: 'unit', id: unit.id } },
    { key: 'position.create', action: 'position.create', target: { kind: 'unit', id: unit.id } },
  ];
  for (const p of unit.positions) {
    for (const a of ['position.update', 'assignment.create', 'assignment.end', 'position.archive']) {
      checks.push({ key: `${a}:${p.id}`, action: a, target: { kind: 'position', id: p.id } });
    }
  }
  const verdicts = await checkAll(checks);
  checks.forEach((c) => { const v = verdicts.get(c.key); if (v) v._target = c.target; });
  const v = (k) => verdicts.get(k);

  const head = h('header', { class: 'panel-head' },
    h('h2', { id: 'unit-panel-title', tabindex: '-1' }, unit.name),
    h('p', { class: 'muted' }, [unit.code, unit.kind, unit.tier].filter(Boolean).join(' · ')),
    unit.functions && unit.functions.length ? h('ul', { class: 'functions' }, unit.functions.map((f) => h('li', {}, f))) : null,
    h('p', {}, h('a', { href: `#/vacancies?unit=${unit.id}`, id: 'unit-headcount-link' }, t('edit.headcount_link'))));
  const problem = h('div', { class: 'panel-problem' });
  panel.append(head, problem);
  if (past) {
    panel.append(h('p', { class: 'muted' }, t('edit.past_readonly', { date: formatDate(asOf) })));
  } else {
    panel.append(h('div', { class: 'panel-actions', role: 'group', 'aria-label': t('edit.unit_actions') },
      actionButton(t('edit.rename'), v('unit.update'), () => renameUnit(unit, chart), { id: 'act-rename' }),
      actionButton(t('edit.add_unit'), v('unit.create'), () => createUnit(unit, chart), { id: 'act-add-unit' }),
      actionButton(t('edit.add_position'), v('position.create'), () => createPosition(unit, chart), { id: 'act-add-position' }),
      actionButton(t('edit.move_to'), null, () => moveUnitDialog(unit, chart), { id: 'act-move' }),
      actionButton(t('edit.merge_into'), null, () => mergeUnitDialog(unit, chart), { id: 'act-merge' }),
      actionButton(t('edit.archive'), v('unit.archive'), () => archiveUnit(unit, chart), { id: 'act-archive', cls: 'danger' })));
  }

  panel.append(h('h3', {}, t('edit.positions')));
  if (!unit.positions.length) panel.append(h('p', { class: 'muted' }, t('edit.no_positions')));
  const list = h('ul', { class: 'panel-positions' });
  for (const p of unit.positions) {
    const holders = h('ul', { class: 'holders' }, p.holders.map((x) => h('li', {},
      h('a', { href: `#/people?person=${x.person_id}` }, x.name), ' ', holderBadge(x.kind), ' ',
      h('span', { class: 'muted' }, t('edit.since', { date: formatDate(x.since) })), ' ',
      past ? null : actionButton(t('edit.end'), v(`assignment.end:${p.id}`), () => endAssignment(x, p, unit, chart),
        { cls: 'small' }))));
    if (p.vacant > 0) holders.append(h('li', { class: 'seat-vacant' }, t('edit.vacant_seats', { n: p.vacant })));
    list.append(h('li', { class: ['panel-position', p.vacant > 0 && 'pos-vacant'], 'data-position': p.id },
      h('div', { class: 'pos-head-line' },
        h('strong', {}, p.title), ' ', p.grade ? badge(p.grade, 'info') : null, ' ',
        h('span', { class: 'count', 'aria-label': t('edit.count_label', { count: headcountText(p) }) }, headcountText(p)),
        p.kind === 'head' ? badge(t('edit.head'), 'ok') : null),
      holders,
      past ? null : h('div', { class: 'panel-actions small', role: 'group', 'aria-label': t('edit.position_actions', { title: p.title }) },
        actionButton(t('edit.appoint'), v(`assignment.create:${p.id}`), () => appoint(p, unit, chart), { cls: 'appoint' }),
        actionButton(t('edit.edit_position'), v(`position.update:${p.id}`), () => editPosition(p, unit, chart)),
        actionButton(t('edit.move_position'), null, () => movePositionDialog(p, unit, chart)),
        actionButton(t('edit.archive'), v(`position.archive:${p.id}`), () => archivePosition(p, unit, chart), { cls: 'danger' }))));
  }
  panel.append(list);
  if (focus) head.querySelector('h2').focus();
}

// ---- the form dialog with If-Match, 412 and refusals ----------------------------------------

/**
 * fields: [{name, label, type?, value?, options?: [[value,label]], required?, hint?, el?}].
 * submit(values, etag) performs the request; `read` (optional) returns {data, etag} of the
 * resource being changed, re-read on 412 to show what changed. `action`/`target` name the
 * policy decision so a 403 can say who could do it instead.
 */
function formDialog({ title, fields, submitLabel, read, submit, action, target, done, draftKey }) {
  const form = h('form', { class: 'edit-form', novalidate: true });
  const conflict = h('div', { class: 'conflict', hidden: true });
  const problem = h('div', { class: 'dialog-problem' });
  for (const f of fields) {
    const id = f.id || uid(`f-${f.name}`);
    let input = f.el;
    if (!input && f.options) input = h('select', { id, name: f.name }, f.options.map(([val, lab]) => h('option', { value: val, selected: String(val) === String(f.value ?? '') }, lab)));
    else if (!input) input = h('input', { id, name: f.name, type: f.type || 'text', value: f.value ?? '', required: f.required, min: f.min });
    else input.id ||= id;
    form.append(h('div', { class: ['field', f.hidden && 'is-hidden'], hidden: f.hidden }, h('label', { for: input.id }, f.label), input, f.hint ? h('p', { class: 'hint muted' }, f.hint) : null, f.after || null));
  }
  form.append(h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'cancel' }, t('action.cancel')),
    h('button', { type: 'submit', class: 'primary' }, submitLabel || t('action.save'))));
  const dlg = dialog(title, [problem, conflict, form]);
  form.querySelector('.cancel').addEventListener('click', dlg.close);

  let etag = null; let before = null;
  const ready = read ? read().then((r) => { etag = r.etag; before = r.data; }) : Promise.resolve();

  bindForm(form, {
    draftKey,
    onSubmit: async (values) => {
      clear(problem);
      await ready;
      try {
        const res = await submit(values, etag);
        dlg.close();
        if (done) await done(res);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.status === 412 && read) {
          const now = await read();
          showConflict(conflict, before, now.data, values);
          etag = now.etag; before = now.data;
          form.querySelector('[type=submit]').textContent = t('action.reapply');
          return;
        }
        if (err.status === 403) await explainRefusal(err, action, target);
        if (err.problem && err.problem.field && fields.some((f) => f.name === err.problem.field || err.problem.field.endsWith(`.${f.name}`))) throw err;
        showProblem(problem, err);
        if (err.network || err.status === 401) throw err;
      }
    },
  });
  return { form, close: dlg.close };
}

function showConflict(box, before, now, mine) {
  clear(box);
  box.hidden = false;
  const keys = [...new Set([...Object.keys(before || {}), ...Object.keys(now || {})])]
    .filter((k) => JSON.stringify((before || {})[k]) !== JSON.stringify((now || {})[k]) && k !== 'revision');
  const fmt = (x) => (x === undefined || x === null ? '∅' : typeof x === 'object' ? JSON.stringify(x) : String(x));
  box.append(h('div', { class: 'problem', role: 'alert' },
    h('p', { class: 'problem-detail' }, t('conflict.title')),
    h('p', {}, t('conflict.intro')),
    h('table', { class: 'data' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('conflict.field')), h('th', { scope: 'col' }, t('conflict.before')), h('th', { scope: 'col' }, t('conflict.now')), h('th', { scope: 'col' }, t('conflict.mine')))),
      h('tbody', {}, keys.map((k) => h('tr', {}, h('td', {}, k), h('td', {}, fmt((before || {})[k])), h('td', {}, fmt((now || {})[k])), h('td', {}, fmt(mine[k]))))))));
}

const effective = () => ({ name: 'effective_date', label: t('edit.effective_date'), type: 'date', value: today() });

function unitRead(unit) { return () => api.get(`/v1/units/${unit.id}`); }

async function afterChange(chart, unitId, message) {
  toast(message || t('common.saved'));
  await chart.refresh(unitId);
}

// ---- units ----------------------------------------------------------------------------------

function renameUnit(unit, chart) {
  formDialog({
    title: t('edit.rename_title', { name: unit.name }),
    fields: [{ name: 'name', label: t('edit.name'), value: unit.name, required: true }, effective()],
    read: unitRead(unit), action: 'unit.update', target: { kind: 'unit', id: unit.id },
    submit: (v, etag) => api.send('PATCH', `/v1/units/${unit.id}`, { name: v.name || '', effective_date: v.effective_date }, { ifMatch: etag }),
    done: () => afterChange(chart, unit.id),
  });
}

async function createUnit(parent, chart) {
  let kinds = [];
  try { kinds = (await api.get('/v1/unit-kinds')).data.items.filter((k) => !k.retired); } catch (err) { if (!(err instanceof ApiError)) throw err; }
  formDialog({
    title: t('edit.add_unit_title', { name: parent.name }),
    fields: [
      { name: 'name', label: t('edit.name'), required: true },
      { name: 'code', label: t('edit.code'), hint: t('edit.code_hint') },
      { name: 'kind', label: t('edit.kind'), options: kinds.map((k) => [k.name, k.label || k.name]), value: 'group' },
      effective(),
    ],
    draftKey: `unit-create-${parent.id}`,
    action: 'unit.create', target: { kind: 'unit', id: parent.id },
    submit: (v) => api.send('POST', '/v1/units', { name: v.name || '', code: v.code, kind: v.kind, parent_id: parent.id, effective_date: v.effective_date }),
    done: (res) => afterChange(chart, res.data.id),
  });
}

/** A search box over units (server-side) with a list to choose from; returns {el, value()}. */
function unitPicker(exclude) {
  const id = uid('unit-pick');
  const q = h('input', { id: `${id}-q`, type: 'search', 'aria-label': t('edit.find_unit'), placeholder: t('edit.find_unit'), autocomplete: 'off' });
  const go = h('button', { type: 'button', class: 'pick-search' }, t('action.search'));
  const sel = h('select', { id, name: 'target_id', 'aria-label': t('edit.target_unit'), required: true }, h('option', { value: '' }, t('edit.search_first')));
  async function search() {
    if (!q.value.trim()) return;
    const res = await api.get('/v1/org/search', { q: q.value.trim() });
    clear(sel);
    const units = res.data.units.filter((u) => u.id !== exclude);
    if (!units.length) sel.append(h('option', { value: '' }, t('edit.no_match')));
    for (const u of units) sel.append(h('option', { value: u.id }, `${u.name}${u.code ? ` (${u.code})` : ''}`));
    sel.focus();
  }
  go.addEventListener('click', search);
  q.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); search(); } });
  return { el: sel, before: h('div', { class: 'picker' }, q, go) };
}

function pickerField(name, label, exclude) {
  const p = unitPicker(exclude);
  p.el.name = name;
  return { name, label, el: p.el, picker: p };
}

function moveUnitDialog(unit, chart) {
  const f = pickerField('parent_id', t('edit.new_parent'), unit.id);
  const d = formDialog({
    title: t('edit.move_title', { name: unit.name }),
    fields: [f, effective()],
    read: unitRead(unit), action: 'unit.move', target: { kind: 'unit', id: unit.id },
    submit: (v, etag) => api.send('POST', `/v1/units/${unit.id}/move`, { parent_id: v.parent_id || null, effective_date: v.effective_date }, { ifMatch: etag }),
    done: () => afterChange(chart, unit.id, t('edit.moved', { name: unit.name })),
  });
  f.el.before(f.picker.before);
  d.form.querySelector('input[type=search]').focus();
}

/** Drag-and-drop ends here: confirm, then the same move as the dialog. */
export function moveUnitTo(unit, target, chart) {
  if (chart.asOf() !== today()) { toast(t('edit.past_readonly', { date: formatDate(chart.asOf()) })); return; }
  if (target.id === unit.parent_id) return;
  formDialog({
    title: t('edit.move_title', { name: unit.name }),
    fields: [{ name: 'parent_id', label: t('edit.new_parent'), options: [[target.id, target.name]], value: target.id }, effective()],
    submitLabel: t('edit.move_confirm'),
    read: unitRead(unit), action: 'unit.move', target: { kind: 'unit', id: unit.id },
    submit: (v, etag) => api.send('POST', `/v1/units/${unit.id}/move`, { parent_id: v.parent_id, effective_date: v.effective_date }, { ifMatch: etag }),
    done: () => afterChange(chart, unit.id, t('edit.moved', { name: unit.name })),
  });
}

function mergeUnitDialog(unit, chart) {
  const f = pickerField('into_id', t('edit.merge_target'), unit.id);
  const d = formDialog({
    title: t('edit.merge_title', { name: unit.name }),
    fields: [f, effective()],
    submitLabel: t('edit.merge_confirm'),
    read: unitRead(unit), action: 'unit.merge', target: { kind: 'unit', id: unit.id },
    submit: (v, etag) => api.send('POST', `/v1/units/${unit.id}/merge`, { into_id: v.into_id || '', effective_date: v.effective_date }, { ifMatch: etag }),
    done: (res) => afterChange(chart, res.data.merged_into || unit.parent_id, t('edit.merged', { name: unit.name })),
  });
  f.el.before(f.picker.before);
  d.form.querySelector('input[type=search]').focus();
}

function archiveUnit(unit, chart) {
  formDialog({
    title: t('edit.archive_title', { name: unit.name }),
    fields: [effective()],
    submitLabel: t('edit.archive_confirm'),
    read: unitRead(unit), action: 'unit.archive', target: { kind: 'unit', id: unit.id },
    submit: (v, etag) => api.send('POST', `/v1/units/${unit.id}/archive`, { effective_date: v.effective_date }, { ifMatch: etag }),
    done: () => afterChange(chart, unit.parent_id, t('edit.archived', { name: unit.name })),
  });
}

// ---- positions ------------------------------------------------------------------------------

function headcountFields(p) {
  const hc = (p && p.headcount) || { kind: 'exact', n: 1 };
  return [
    { name: 'hc_kind', label: t('edit.headcount_kind'), options: ['exact', 'range', 'unbounded', 'per_region'].map((k) => [k, t(`edit.hc.${k}`)]), value: hc.kind },
    { name: 'hc_n', label: t('edit.headcount_n'), type: 'number', min: 0, value: hc.n ?? hc.min ?? '', hint: t('edit.headcount_n_hint') },
    { name: 'hc_max', label: t('edit.headcount_max'), type: 'number', min: 0, value: hc.max ?? '' },
  ];
}

function headcountBody(v) {
  const n = v.hc_n === undefined ? undefined : Number(v.hc_n);
  switch (v.hc_kind) {
    case 'range': return { kind: 'range', min: n, max: v.hc_max === undefined ? null : Number(v.hc_max) };
    case 'unbounded': return { kind: 'unbounded' };
    case 'per_region': return { kind: 'per_region', n };
    default: return { kind: 'exact', n };
  }
}

function createPosition(unit, chart) {
  formDialog({
    title: t('edit.add_position_title', { name: unit.name }),
    fields: [
      { name: 'title', label: t('edit.title'), required: true },
      { name: 'grade', label: t('edit.grade'), hint: t('edit.grade_hint') },
      { name: 'kind', label: t('edit.position_kind'), options: [['regular', t('edit.kind.regular')], ['head', t('edit.kind.head')], ['trainee', t('edit.kind.trainee')]], value: 'regular' },
      ...headcountFields(null),
      effective(),
    ],
    draftKey: `position-create-${unit.id}`,
    action: 'position.create', target: { kind: 'unit', id: unit.id },
    submit: (v) => api.send('POST', '/v1/positions', { title: v.title || '', unit_id: unit.id, grade: v.grade, kind: v.kind, headcount: headcountBody(v), effective_date: v.effective_date }),
    done: () => afterChange(chart, unit.id),
  });
}

function editPosition(p, unit, chart) {
  formDialog({
    title: t('edit.edit_position_title', { title: p.title }),
    fields: [
      { name: 'title', label: t('edit.title'), value: p.title, required: true },
      { name: 'grade', label: t('edit.grade'), value: p.grade || '' },
      ...headcountFields(p),
      effective(),
    ],
    read: () => api.get(`/v1/positions/${p.id}`), action: 'position.update', target: { kind: 'position', id: p.id },
    submit: (v, etag) => {
      const body = { effective_date: v.effective_date };
      if ((v.title || '') !== p.title) body.title = v.title || '';
      if ((v.grade || null) !== (p.grade || null)) body.grade = v.grade || null;
      const hc = headcountBody(v);
      if (JSON.stringify(hc) !== JSON.stringify(p.headcount)) body.headcount = hc;
      return api.send('PATCH', `/v1/positions/${p.id}`, body, { ifMatch: etag });
    },
    done: () => afterChange(chart, unit.id),
  });
}

function movePositionDialog(p, unit, chart) {
  const f = pickerField('unit_id', t('edit.new_unit'), unit.id);
  const d = formDialog({
    title: t('edit.move_position_title', { title: p.title }),
    fields: [f, effective()],
    read: () => api.get(`/v1/positions/${p.id}`), action: 'position.move', target: { kind: 'position', id: p.id },
    submit: (v, etag) => api.send('POST', `/v1/positions/${p.id}/move`, { unit_id: v.unit_id || '', effective_date: v.effective_date }, { ifMatch: etag }),
    done: (res) => afterChange(chart, (res.data && res.data.unit_id) || unit.id),
  });
  f.el.before(f.picker.before);
  d.form.querySelector('input[type=search]').focus();
}

function archivePosition(p, unit, chart) {
  formDialog({
    title: t('edit.archive_position_title', { title: p.title }),
    fields: [effective()],
    submitLabel: t('edit.archive_confirm'),
    read: () => api.get(`/v1/positions/${p.id}`), action: 'position.archive', target: { kind: 'position', id: p.id },
    submit: (v, etag) => api.send('POST', `/v1/positions/${p.id}/archive`, { effective_date: v.effective_date }, { ifMatch: etag }),
    done: () => afterChange(chart, unit.id),
  });
}

// ---- assignments ----------------------------------------------------------------------------

/** People search (server-side) feeding a select of matches. */
function personPicker() {
  const id = uid('person-pick');
  const q = h('input', { id: `${id}-q`, type: 'search', 'aria-label': t('edit.find_person'), placeholder: t('edit.find_person'), autocomplete: 'off' });
  const go = h('button', { type: 'button', class: 'pick-search', id: `${id}-go` }, t('action.search'));
  const sel = h('select', { id, name: 'person_id', 'aria-label': t('edit.person'), required: true }, h('option', { value: '' }, t('edit.search_first')));
  async function search() {
    if (!q.value.trim()) return;
    const res = await api.get('/v1/org/search', { q: q.value.trim() });
    clear(sel);
    if (!res.data.people.length) sel.append(h('option', { value: '' }, t('edit.no_match')));
    for (const p of res.data.people) sel.append(h('option', { value: p.id }, `${p.name}${p.employee_no ? ` (${p.employee_no})` : ''}`));
    sel.focus();
  }
  go.addEventListener('click', search);
  q.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); search(); } });
  return { el: sel, before: h('div', { class: 'picker' }, q, go) };
}

function appoint(p, unit, chart) {
  const pick = personPicker();
  const d = formDialog({
    title: t('edit.appoint_title', { title: p.title, unit: unit.name }),
    fields: [
      { name: 'person_id', label: t('edit.person'), el: pick.el },
      { name: 'kind', label: t('edit.assignment_kind'), options: [['primary', t('edit.akind.primary')], ['concurrent', t('edit.akind.concurrent')], ['acting', t('edit.akind.acting')]], value: 'primary' },
      { name: 'start_date', label: t('edit.start_date'), type: 'date', value: today() },
      { name: 'end_date', label: t('edit.end_date'), type: 'date', hint: t('edit.end_date_hint') },
    ],
    submitLabel: t('edit.appoint_confirm'),
    action: 'assignment.create', target: { kind: 'position', id: p.id },
    submit: (v) => api.send('POST', '/v1/assignments', { person_id: v.person_id || '', position_id: p.id, kind: v.kind, start_date: v.start_date, end_date: v.end_date }),
    done: () => afterChange(chart, unit.id, t('edit.appointed')),
  });
  pick.el.before(pick.before);
  d.form.querySelector('input[type=search]').focus();
}

function endAssignment(holder, p, unit, chart) {
  formDialog({
    title: t('edit.end_title', { name: holder.name, title: p.title }),
    fields: [{ name: 'end_date', label: t('edit.last_day'), type: 'date', value: today() }],
    submitLabel: t('edit.end_confirm'),
    read: () => api.get(`/v1/assignments/${holder.assignment_id}`), action: 'assignment.end', target: { kind: 'position', id: p.id },
    submit: (v, etag) => api.send('POST', `/v1/assignments/${holder.assignment_id}/end`, { end_date: v.end_date }, { ifMatch: etag }),
    done: () => afterChange(chart, unit.id, t('edit.ended')),
  });
}
