// The vacancies page (#/vacancies?unit=): vacant seats with days vacant, posts whose direct
// reports fall outside their span of control, and a unit's headcount roll-up (own and subtree
// establishment, filled and vacant, and the planned establishment when the unit states one).
import { api, ApiError } from '../lib/api.js';
import { t, formatNumber } from '../lib/i18n.js';
import { h, clear, showProblem, badge, table } from '../lib/dom.js';

function guard(box, fn) {
  return fn().catch((err) => { if (!(err instanceof ApiError)) throw err; showProblem(box, err); });
}

export async function render(root, params, ctx) {
  const unitId = params.get('unit');
  const vacBox = h('section', { 'aria-labelledby': 'vac-title' }, h('h2', { id: 'vac-title' }, t('people.vacancies.title')));
  const spanBox = h('section', { 'aria-labelledby': 'span-title' }, h('h2', { id: 'span-title' }, t('people.span.title')));
  const hcBox = h('section', { 'aria-labelledby': 'hc-title' }, h('h2', { id: 'hc-title' }, t('people.headcount.title')));
  root.append(h('h1', {}, t('people.vacancies.page')), hcBox, vacBox, spanBox);
  const chartLink = (id, name) => h('a', { href: `#/chart?focus=${id}` }, name);

  await Promise.all([
    guard(vacBox, async () => {
      const res = await api.get('/v1/org/vacancies', { unit_id: unitId });
      const items = [...res.data.items].sort((a, b) => b.days_vacant - a.days_vacant);
      if (!items.length) { vacBox.append(h('p', { class: 'muted' }, t('people.vacancies.none'))); return; }
      vacBox.append(table([
        { label: t('common.position'), render: (r) => r.title },
        { label: t('common.unit'), render: (r) => chartLink(r.unit_id, r.unit_name) },
        { label: t('common.grade'), render: (r) => r.grade || '' },
        { label: t('people.vacancies.seats'), render: (r) => (r.establishment === null || r.establishment === undefined ? `${r.vacant}` : `${r.vacant}/${r.establishment}`) },
        { label: t('people.vacancies.days'), render: (r) => badge(t('people.vacancies.days_n', { n: formatNumber(r.days_vacant) }), r.days_vacant > 90 ? 'danger' : r.days_vacant > 30 ? 'warn' : 'info') },
      ], items, { caption: t('people.vacancies.caption', { n: items.length }) }));
    }),
    guard(spanBox, async () => {
      const res = await api.get('/v1/org/span-violations');
      if (!res.data.items.length) { spanBox.append(h('p', { class: 'muted' }, t('people.span.none'))); return; }
      spanBox.append(table([
        { label: t('common.position'), render: (r) => r.title },
        { label: t('common.unit'), render: (r) => chartLink(r.unit_id, r.unit_name || t('people.span.open_unit')) },
        { label: t('people.span.reports'), render: (r) => String(r.direct_reports) },
        { label: t('people.span.bounds'), render: (r) => `${r.span_min ?? '–'}–${r.span_max ?? '–'}` },
        { label: t('people.span.problem'), render: (r) => badge(t(`people.span.${r.problem}`), 'warn') },
      ], res.data.items));
    }),
    guard(hcBox, () => headcount(hcBox, unitId, ctx)),
  ]);
}

async function headcount(box, unitId, ctx) {
  const q = h('input', { id: 'hc-unit-q', type: 'search', placeholder: t('people.headcount.find'), autocomplete: 'off' });
  const sel = h('select', { id: 'hc-unit', 'aria-label': t('people.headcount.unit') });
  const form = h('form', { class: 'toolbar' },
    h('label', { for: 'hc-unit-q' }, t('people.headcount.find_label')), q,
    h('button', { type: 'submit', id: 'hc-find' }, t('action.search')), sel);
  const out = h('div');
  box.append(form, out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!q.value.trim()) return;
    const res = await api.get('/v1/org/search', { q: q.value.trim() });
    clear(sel);
    sel.append(h('option', { value: '' }, t('people.headcount.choose', { n: res.data.units.length })));
    res.data.units.forEach((u) => sel.append(h('option', { value: u.id }, u.name)));
    sel.focus();
  });
  sel.addEventListener('change', () => { if (sel.value) ctx.navigate(`#/vacancies?unit=${sel.value}`); });

  let id = unitId;
  if (!id) {
    const first = await api.get('/v1/units', { limit: 1 });
    id = first.data.items[0] && first.data.items[0].path[0];
  }
  if (!id) return;
  const res = await api.get(`/v1/units/${id}/headcount`);
  const units = res.data.units;
  const top = units.find((u) => u.id === id) || units[0];
  sel.append(h('option', { value: id, selected: true }, top ? top.name : id));
  const min = Math.min(...units.map((u) => u.depth));
  const n = (x) => (x ? `${x.filled}/${x.establishment}${x.unbounded_positions ? ` ${t('people.headcount.unbounded', { n: x.unbounded_positions })}` : ''}` : '');
  out.append(table([
    { label: t('common.unit'), render: (r) => h('span', { class: `indent-${Math.min(8, r.depth - min)}` }, chartLink(r.id, r.name)) },
    { label: t('people.headcount.own'), render: (r) => n(r.own) },
    { label: t('people.headcount.total'), render: (r) => n(r.total) },
    { label: t('people.headcount.vacant'), render: (r) => (r.total.vacant ? badge(String(r.total.vacant), 'warn') : '0') },
    { label: t('people.headcount.plan'), render: (r) => (r.plan ? t('people.headcount.plan_text', { planned: r.plan.planned, short: r.plan.filled_short }) : '') },
  ], units, { caption: t('people.headcount.caption', { name: top ? top.name : '' }) }));

  function chartLink(uid, name) { return h('a', { href: `#/chart?focus=${uid}` }, name); }
}
