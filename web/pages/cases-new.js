// The "receive a case" tab of the cases page (#/cases?tab=new): customer service records a
// customer's issue — who, what product, what is wrong, through which channel, where the customer
// is and which unit the case belongs to — as POST /v1/cases takes it. Inputs are named by the
// API's field paths (`customer.phone`, `product.line`), so a refusal lands next to its input; the
// draft survives a failed request or an expired session.
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { bindForm } from '../lib/forms.js';
import { t } from '../lib/i18n.js';
import { tl, field, select, regionOptions, unitPicker, can } from './access-kit.js';

const CHANNELS = ['phone', 'web', 'app', 'email', 'dealer', 'on_site', 'other'];
const NUMBERS = new Set(['location.latitude', 'location.longitude']);

export async function renderNew(root, ctx) {
  const [regions, lines] = await Promise.all([regionOptions(), productLines()]);
  const input = (name, attrs = {}) => h('input', { name, id: `new-${name.replace('.', '-')}`, ...attrs });
  const unit = unitPicker('unit_id', t('cases.new.unit'), 'new-unit');
  const form = h('form', { class: 'panel new-case', id: 'new-case-form', 'aria-labelledby': 'new-case-title' },
    h('h2', { id: 'new-case-title' }, t('cases.new.title')),
    h('fieldset', {}, h('legend', {}, t('cases.new.customer')),
      field(t('cases.new.customer_name'), input('customer.name', { autocomplete: 'name' })),
      field(t('cases.new.customer_phone'), input('customer.phone', { type: 'tel', autocomplete: 'tel' }))),
    h('fieldset', {}, h('legend', {}, t('cases.field.product')),
      field(t('cases.new.product_line'), select('product.line', [{ value: '', label: t('cases.new.no_line') }, ...lines], '', { id: 'new-product-line' })),
      field(t('cases.new.model'), input('product.model')),
      field(t('cases.new.serial_no'), input('product.serial_no')),
      field(t('cases.new.purchase_date'), input('product.purchase_date', { type: 'date' }))),
    field(t('cases.field.description'), h('textarea', { name: 'description', id: 'new-description', rows: 3 })),
    field(t('cases.field.channel'), select('channel', CHANNELS.map((c) => ({ value: c, label: tl(`cases.channel.${c}`, c) })), 'phone', { id: 'new-channel' })),
    h('fieldset', {}, h('legend', {}, t('cases.new.where')),
      field(t('cases.field.region'), select('region_id', [{ value: '', label: t('cases.new.no_region') }, ...regions], '', { id: 'new-region' })),
      h('div', { class: 'inline-fields' },
        field(t('cases.new.latitude'), input('location.latitude', { inputmode: 'decimal', size: 10 })),
        field(t('cases.new.longitude'), input('location.longitude', { inputmode: 'decimal', size: 10 })))),
    unit.element,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', id: 'new-case-submit' }, t('cases.new.submit'))));
  bindForm(form, {
    draftKey: 'cases.new',
    onSubmit: async (v) => {
      const { data } = await api.send('POST', '/v1/cases', nest(v));
      ctx.navigate(`#/cases?case=${data.id}`);
    },
  });
  root.append(form);
}

/** {"customer.name": "…"} → {customer: {name: "…"}}; coordinates as numbers. */
function nest(values) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    const path = k.split('.');
    let o = out;
    for (const p of path.slice(0, -1)) o = (o[p] ||= {});
    o[path[path.length - 1]] = NUMBERS.has(k) && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
  }
  return out;
}

async function productLines() {
  if (!can('network.read')) return [];
  try {
    const { data } = await api.get('/v1/network/vocabulary');
    return data.product_lines.map((x) => ({ value: x.code, label: x.name }));
  } catch { return []; }
}
