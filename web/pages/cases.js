// The customer-cases page (#/cases): the queue, filtered on the server, each case with its SLA
// badge (on time, due soon, breached, paused); one case's detail with its timeline and a button
// for each step the flow allows from its state now (the API's `allowed_steps`), each opening a
// form with exactly the fields that step takes, sent with If-Match; dispatch offers the sites the
// nearest search finds eligible; a new case (cases-new.js); and the monthly report (cases-report.js).
import { api } from '../lib/api.js';
import { h, clear, badge, dialog, toast, table } from '../lib/dom.js';
import { bindForm } from '../lib/forms.js';
import { t, formatDate, formatNumber, loadMessages } from '../lib/i18n.js';
import { tl, field, select, cursorList, regionOptions, compact, userName, thingName, unitPicker, explainRefusal, setViewer, can } from './access-kit.js';
import { renderReport } from './cases-report.js';
import { renderNew } from './cases-new.js';

const STATES = ['received', 'classified', 'forwarded', 'warranty_decided', 'owner_notified', 'dispatched', 'site_reported', 'resolved', 'closed', 'archived'];
const CATEGORIES = ['platform', 'equipment', 'other'];
const DUE_SOON_HOURS = 4;
const FILTERS = ['state', 'category', 'sla', 'region_id', 'customer_phone'];

/** on time, due soon (within 4 h), breached (past its deadline) or paused; none without a clock. */
export function slaState(c) {
  const s = c.sla || {};
  if (s.paused) return 'paused';
  if (s.overdue) return 'breached';
  if (!s.due_at) return null;
  return new Date(s.due_at).getTime() - Date.now() <= DUE_SOON_HOURS * 3600e3 ? 'due_soon' : 'on_time';
}

function slaBadge(c) {
  const st = slaState(c);
  if (!st) return h('span', { class: 'muted' }, t('cases.sla.none'));
  const kind = { on_time: 'ok', due_soon: 'warn', breached: 'danger', paused: 'info' }[st];
  const b = badge(t(`cases.sla.${st}`, { reason: c.sla.paused ? t(`cases.pause.${c.sla.paused}`) : '' }), kind);
  b.classList.add('sla', `sla-${st}`);
  b.dataset.sla = st;
  if (c.sla.due_at) b.title = t('cases.sla.due', { at: formatDate(c.sla.due_at) });
  return b;
}

function stateBadge(state) {
  const b = badge(tl(`cases.state.${state}`, state), ['closed', 'archived', 'resolved'].includes(state) ? 'ok' : 'info');
  b.classList.add('case-state');
  b.dataset.state = state;
  return b;
}

export async function render(root, params, ctx) {
  setViewer(ctx.me);
  await loadMessages('access'); // the kit's words (unit search, scopes, decisions)
  root.append(h('h1', {}, t('cases.title')),
    h('nav', { class: 'tabs', 'aria-label': t('cases.tabs') }, h('ul', {},
      h('li', {}, h('a', { href: '#/cases', id: 'cases-tab-queue', 'aria-current': !params.get('tab') && !params.get('case') ? 'page' : null }, t('cases.tab.queue'))),
      h('li', {}, h('a', { href: '#/cases?tab=new', id: 'cases-tab-new', 'aria-current': params.get('tab') === 'new' ? 'page' : null }, t('cases.tab.new'))),
      h('li', {}, h('a', { href: '#/cases?tab=report', id: 'cases-tab-report', 'aria-current': params.get('tab') === 'report' ? 'page' : null }, t('cases.tab.report'))))));
  const settings = (await api.get('/v1/cases/settings')).data;
  if (params.get('case')) return renderCase(root, params.get('case'), settings, ctx);
  if (params.get('tab') === 'report') return renderReport(root, params, ctx);
  if (params.get('tab') === 'new') return renderNew(root, ctx);
  return renderQueue(root, params, settings, ctx);
}

// ---- the queue -----------------------------------------------------------------------------

async function renderQueue(root, params, settings, ctx) {
  const regions = await regionOptions();
  const v = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  const any = { value: '', label: t('cases.filter.any') };
  const form = h('form', { class: 'panel cases-filters', id: 'cases-filters', role: 'search', 'aria-label': t('cases.filters') },
    field(t('cases.filter.state'), select('state', [any, ...STATES.map((s) => ({ value: s, label: tl(`cases.state.${s}`, s) }))], v.state, { id: 'cases-state' })),
    field(t('cases.filter.category'), select('category', [any, ...CATEGORIES.map((s) => ({ value: s, label: t(`cases.category.${s}`) }))], v.category, { id: 'cases-category' })),
    field(t('cases.filter.sla'), select('sla', [any, { value: 'overdue', label: t('cases.sla.breached') }, { value: 'due_soon', label: t('cases.filter.due_soon', { h: DUE_SOON_HOURS }) }], v.sla, { id: 'cases-sla' })),
    field(t('cases.filter.region'), select('region_id', [any, ...regions], v.region_id, { id: 'cases-region' })),
    field(t('cases.filter.phone'), h('input', { name: 'customer_phone', id: 'cases-phone', type: 'tel', value: v.customer_phone })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('cases.filter.apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams(compact(Object.fromEntries(FILTERS.map((k) => [k, form.elements[k].value.trim()]))));
    ctx.navigate(`#/cases${q.toString() ? `?${q}` : ''}`);
  });
  const query = compact({ state: v.state, category: v.category, region_id: v.region_id, customer_phone: v.customer_phone,
    overdue: v.sla === 'overdue' ? 'true' : '', due_within_hours: v.sla === 'due_soon' ? DUE_SOON_HOURS : '' });
  const subName = subcategoryNamer(settings);
  const list = cursorList({
    fetchPage: async (cursor) => (await api.get('/v1/cases', { ...query, limit: 50, cursor })).data,
    renderItems: (items, container) => {
      let tbody = container.querySelector('tbody');
      if (!tbody) {
        const tbl = table([{ label: t('cases.col.number') }, { label: t('cases.col.customer') }, { label: t('cases.col.category') },
          { label: t('cases.col.state') }, { label: t('cases.col.sla') }, { label: t('cases.col.received') }, { label: t('cases.col.unit') }], [],
        { caption: t('cases.queue.caption') });
        tbl.id = 'cases-table';
        container.append(tbl);
        tbody = tbl.querySelector('tbody');
      }
      for (const c of items) {
        tbody.append(h('tr', { 'data-case': c.id, 'data-number': c.number },
          h('td', {}, h('a', { href: `#/cases?case=${c.id}`, class: 'case-link' }, c.number)),
          h('td', {}, c.customer.name), h('td', {}, c.category ? `${t(`cases.category.${c.category}`)}${c.subcategory ? ` · ${subName(c.category, c.subcategory)}` : ''}` : h('span', { class: 'muted' }, t('cases.unclassified'))),
          h('td', {}, stateBadge(c.state)), h('td', {}, slaBadge(c)),
          h('td', {}, h('time', { datetime: c.received_at }, formatDate(c.received_at))), h('td', {}, thingName('unit', c.unit_id))));
      }
    },
    empty: t('cases.empty'),
  });
  root.append(form, h('section', { 'aria-label': t('cases.queue.title') }, list.element));
  await list.reload();
}

function subcategoryNamer(settings) {
  return (cat, code) => (settings.subcategories.find((s) => s.category === cat && s.code === code) || { name: code }).name;
}

// ---- one case ----------------------------------------------------------------------------

/** Product lines by name (the network's vocabulary), where the viewer may read it. */
async function productLines() {
  if (!can('network.read')) return new Map();
  try {
    const { data } = await api.get('/v1/network/vocabulary');
    return new Map(data.product_lines.map((x) => [x.code, x.name]));
  } catch { return new Map(); }
}

async function renderCase(root, id, settings, ctx) {
  const [{ data: c, etag }, lines] = await Promise.all([api.get(`/v1/cases/${id}`), productLines()]);
  const subName = subcategoryNamer(settings);
  const steps = c.allowed_steps || [];
  const buttons = steps.map((step) => {
    const b = h('button', { type: 'button', class: step === 'pause' || step === 'resume' ? '' : 'primary', id: `step-${step}`, 'data-step': step },
      t(`cases.step.${step}`));
    b.addEventListener('click', () => stepDialog(c, etag, step, settings, ctx));
    return b;
  });
  const w = c.warranty;
  root.append(h('p', {}, h('a', { href: '#/cases' }, t('cases.back'))),
    h('h2', { id: 'case-title' }, `${c.number} `, stateBadge(c.state), ' ', slaBadge(c)),
    h('div', { class: 'case-grid' },
      h('dl', { class: 'facts' },
        h('dt', {}, t('cases.col.customer')), h('dd', {}, [c.customer.name, c.customer.phone].filter(Boolean).join(' · ')),
        h('dt', {}, t('cases.field.description')), h('dd', {}, c.description),
        h('dt', {}, t('cases.field.product')), h('dd', {}, [lines.get(c.product.line) || c.product.line, c.product.model, c.product.serial_no].filter(Boolean).join(' · ') || '—',
          c.product.purchase_date ? ` (${t('cases.field.purchased', { date: formatDate(c.product.purchase_date) })})` : ''),
        h('dt', {}, t('cases.field.channel')), h('dd', {}, tl(`cases.channel.${c.channel}`, c.channel)),
        h('dt', {}, t('cases.col.category')), h('dd', {}, c.category ? `${t(`cases.category.${c.category}`)}${c.subcategory ? ` · ${subName(c.category, c.subcategory)}` : ''}` : t('cases.unclassified')),
        h('dt', {}, t('cases.col.unit')), h('dd', {}, thingName('unit', c.unit_id)),
        h('dt', {}, t('cases.field.region')), h('dd', {}, c.region_id ? thingName('region', c.region_id) : '—'),
        h('dt', {}, t('cases.field.site')), h('dd', {}, c.site_id ? h('a', { href: `#/network?site=${c.site_id}` }, thingName('site', c.site_id)) : '—'),
        h('dt', {}, t('cases.field.warranty')), h('dd', {}, w ? [t(w.in_period ? 'cases.warranty.in' : 'cases.warranty.out'), w.cause ? t(`cases.cause.${w.cause}`) : '', w.charge ? t(`cases.charge.${w.charge}`) : ''].filter(Boolean).join(' · ') : '—'),
        h('dt', {}, t('cases.col.sla')), h('dd', {}, c.sla.due_at ? t('cases.sla.due', { at: formatDate(c.sla.due_at) }) : t('cases.sla.none'),
          c.sla.breaches ? ` · ${t('cases.sla.breaches', { n: c.sla.breaches })}` : ''),
        h('dt', {}, t('cases.field.reopened')), h('dd', {}, String(c.reopen_count))),
      h('section', { class: 'panel', 'aria-labelledby': 'case-steps-title' }, h('h3', { id: 'case-steps-title' }, t('cases.steps.title')),
        buttons.length ? h('div', { class: 'actions case-steps' }, buttons) : h('p', { class: 'muted' }, t('cases.steps.none')))),
    h('section', { 'aria-labelledby': 'case-history-title' }, h('h3', { id: 'case-history-title' }, t('cases.history.title')),
      h('ol', { class: 'timeline', id: 'case-history' }, c.history.map((e) => h('li', { 'data-step': e.step },
        h('time', { datetime: e.at }, formatDate(e.at)), ' ', h('strong', {}, tl(`cases.event.${e.step}`, e.step)), ' ',
        e.from !== e.to ? h('span', {}, stateBadge(e.from), ' → ', stateBadge(e.to)) : null, ' ',
        h('span', { class: 'muted' }, e.actor_id ? userName(e.actor_id) : t('cases.history.system')),
        e.note ? h('p', { class: 'note' }, e.note) : null,
        facts(e.data).length ? h('p', { class: 'muted facts-inline' }, facts(e.data).join(' · ')) : null)))),
    (c.attachments || []).length ? h('section', {}, h('h3', {}, t('cases.attachments')), h('ul', {}, c.attachments.map((a) => h('li', {}, `${a.name} (${formatNumber(a.size_bytes)} B)`)))) : '');
}

/** A step's facts in words: empty ones left out, an id left out when its name or code is there. */
function facts(data) {
  const d = data || {};
  return Object.entries(d).filter(([k, x]) => x !== null && x !== '' && !(k.endsWith('_id') && (d[`${k.slice(0, -3)}_name`] || d[`${k.slice(0, -3)}_code`])))
    .map(([k, x]) => {
      const v = k === 'category' ? t(`cases.category.${x}`) : typeof x === 'object' ? JSON.stringify(x) : typeof x === 'boolean' ? t(x ? 'common.yes' : 'common.no') : x;
      return `${tl(`cases.fact.${k}`, k)}: ${v}`;
    });
}

const note = (required) => field(t(required ? 'cases.form.note_required' : 'cases.form.note'), h('textarea', { name: 'note', id: 'step-note', rows: 3 }));

/** The fields each step takes (docs/openapi.yaml, the step endpoints' request bodies). */
async function stepFields(c, step, settings) {
  switch (step) {
    case 'classify': {
      const cat = select('category', CATEGORIES.map((x) => ({ value: x, label: t(`cases.category.${x}`) })), c.category || 'equipment', { id: 'step-category' });
      const sub = select('subcategory', [], '', { id: 'step-subcategory' });
      const sync = () => clear(sub).append(h('option', { value: '' }, t('cases.form.no_subcategory')),
        ...settings.subcategories.filter((s) => s.category === cat.value).map((s) => h('option', { value: s.code }, s.name)));
      cat.addEventListener('change', sync);
      sync();
      return [field(t('cases.col.category'), cat), field(t('cases.form.subcategory'), sub), note(false)];
    }
    case 'solve': case 'guide': case 'report': case 'notify_owner':
      return [note(true)];
    case 'forward': {
      const p = unitPicker('unit_id', t('cases.form.forward_unit'), 'step-unit');
      return [p.element, note(false)];
    }
    case 'decide_warranty':
      return [
        field(t('cases.form.cause'), select('cause', ['non_human', 'human'].map((x) => ({ value: x, label: t(`cases.cause.${x}`) })), '', { id: 'step-cause' })),
        field(t('cases.form.charge'), select('charge', ['free', 'charged'].map((x) => ({ value: x, label: t(`cases.charge.${x}`) })), '', { id: 'step-charge' })),
        field(t('cases.form.in_period'), select('in_period', [{ value: '', label: t('cases.form.in_period_computed') }, { value: 'true', label: t('cases.warranty.in') },
          { value: 'false', label: t('cases.warranty.out') }], '', { id: 'step-in-period' })),
        field(t('cases.form.override_reason'), h('input', { name: 'override_reason', id: 'step-override' })), note(false)];
    case 'dispatch':
      return [await dispatchSites(c), note(false)];
    case 'site_report': {
      const wh = await warehouses();
      return [
        field(t('cases.form.work_done'), h('textarea', { name: 'work_done', id: 'step-work', rows: 3 })),
        h('fieldset', { class: 'parts' }, h('legend', {}, t('cases.form.parts')),
          field(t('cases.form.part'), h('input', { name: 'part', id: 'step-part' })),
          field(t('cases.form.quantity'), h('input', { name: 'quantity', id: 'step-quantity', type: 'number', min: 1 })),
          field(t('cases.form.warehouse'), select('warehouse_site_id', [{ value: '', label: t('cases.form.no_warehouse') }, ...wh], '', { id: 'step-warehouse' }))),
        field(t('cases.form.charge_amount'), h('input', { name: 'charge_amount', id: 'step-amount', type: 'number', min: 0, step: '0.01' }))];
    }
    case 'follow_up':
      return [field(t('cases.form.outcome'), select('outcome', ['satisfied', 'unsatisfied'].map((x) => ({ value: x, label: t(`cases.outcome.${x}`) })), '', { id: 'step-outcome' })), note(false)];
    case 'pause':
      return [field(t('cases.form.pause_reason'), select('reason', ['customer', 'parts'].map((x) => ({ value: x, label: t(`cases.pause.${x}`) })), '', { id: 'step-reason' })), note(false)];
    default: // resolve, archive, resume
      return [note(false)];
  }
}

/** The request body from the form's values, typed as the step's schema wants. */
function stepBody(step, v) {
  const b = { ...v };
  if (step === 'decide_warranty' && 'in_period' in b) b.in_period = b.in_period === 'true';
  if (step === 'site_report') {
    delete b.part; delete b.quantity; delete b.warehouse_site_id;
    if (v.part || v.quantity) b.parts = [compact({ part: v.part || '', quantity: v.quantity ? Number(v.quantity) : null, warehouse_site_id: v.warehouse_site_id })];
    if ('charge_amount' in b) b.charge_amount = Number(b.charge_amount);
  }
  return b;
}

/** Dispatch offers the sites eligible today for the case's product at the customer's place. */
async function dispatchSites(c) {
  const capability = `${c.product.line || ''}/repair`;
  const query = compact({ capability, latitude: c.location && c.location.latitude, longitude: c.location && c.location.longitude, region_id: c.region_id, limit: 10, explain: 'true' });
  let data = { items: [], excluded: [] };
  if (can('network.read')) {
    try { data = (await api.get('/v1/network/sites/nearest', query)).data; } catch { /* the list stays empty; the API says why on dispatch */ }
  }
  const sel = select('site_id', [{ value: '', label: t('cases.form.choose_site', { n: data.items.length }) },
    ...data.items.map((x) => ({ value: x.site.id, label: `${x.site.name} (${x.site.code})${x.distance_km != null ? ` · ${formatNumber(Math.round(x.distance_km * 10) / 10)} km` : ''}` })),
    ...(data.excluded || []).map((x) => ({ value: x.site.id, label: `${t('cases.form.not_eligible')} ${x.site.name} (${x.site.code}): ${x.reasons.map((r) => r.code).join(', ')}` }))],
  data.items[0] ? data.items[0].site.id : '', { id: 'step-site' });
  return field(t('cases.form.site'), sel, t('cases.form.site_hint', { capability }));
}

async function warehouses() {
  if (!can('network.read')) return [];
  try {
    const [n, r] = await Promise.all(['parts_warehouse_new', 'parts_warehouse_returned'].map((kind) => api.get('/v1/network/sites', { kind, limit: 100 })));
    return [...n.data.items, ...r.data.items].map((s) => ({ value: s.id, label: `${s.name} (${s.code})` }));
  } catch { return []; }
}

/** The policy action a step is decided as (docs/permissions.md), for "who could instead". */
function stepAction(step, body) {
  if (step === 'decide_warranty') return body.cause === 'human' && body.charge === 'free' ? 'case.free_repair' : 'case.decide_warranty';
  if (step === 'follow_up' && body.outcome === 'unsatisfied') return 'case.reopen';
  return { forward: 'case.forward', archive: 'case.archive' }[step] || 'case.handle';
}

async function stepDialog(c, etag, step, settings, ctx) {
  const form = h('form', { id: 'step-form', class: `step-form step-${step}`, 'data-step': step },
    h('p', { class: 'muted' }, t(`cases.step_hint.${step}`)), ...(await stepFields(c, step, settings)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'step-submit' }, t(`cases.step.${step}`))));
  const d = dialog(t('cases.step.title', { step: t(`cases.step.${step}`), number: c.number }), form);
  let version = etag;
  bindForm(form, {
    draftKey: `cases.${c.id}.${step}`,
    onSubmit: async (v) => {
      const body = stepBody(step, v);
      try {
        await api.send('POST', `/v1/cases/${c.id}/${step.replace(/_/g, '-')}`, body, { ifMatch: version });
      } catch (err) {
        // Another agent moved the case first: show the case as it is now beneath the form, and
        // let a resubmission go against that version (the API refuses it if the step no longer applies).
        if (err.status === 412) { version = (await api.get(`/v1/cases/${c.id}`)).etag; ctx.navigate(`#/cases?case=${c.id}`); }
        throw await explainRefusal(err, stepAction(step, body), `unit:${c.unit_id}`);
      }
      d.close();
      toast(t('cases.step.done', { step: t(`cases.step.${step}`) }));
      ctx.navigate(`#/cases?case=${c.id}`);
    },
  });
}
