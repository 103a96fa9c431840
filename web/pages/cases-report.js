// The monthly quality report tab of the cases page (#/cases?tab=report&month=YYYY-MM): the
// month's figures by category, department, site and region as tables, orgd's bar chart by
// department as an image, and the CSV for spreadsheets as a download link.
import { api } from '../lib/api.js';
import { h, table } from '../lib/dom.js';
import { t, formatNumber } from '../lib/i18n.js';
import { field } from './access-kit.js';

// ---- the monthly report ------------------------------------------------------------------

const FIGURES = ['cases', 'resolved', 'within_sla_rate', 'mean_hours_to_resolve', 'p90_hours_to_resolve', 'reopen_rate', 'satisfaction_rate', 'free', 'charged', 'charged_total'];

export async function renderReport(root, params, ctx) {
  const month = /^\d{4}-\d{2}$/.test(params.get('month') || '') ? params.get('month') : new Date().toISOString().slice(0, 7);
  const form = h('form', { class: 'panel inline-form', id: 'report-form', 'aria-label': t('cases.report.choose') },
    field(t('cases.report.month'), h('input', { type: 'month', name: 'month', id: 'report-month', value: month })),
    h('button', { type: 'submit', class: 'primary' }, t('cases.report.show')));
  form.addEventListener('submit', (e) => { e.preventDefault(); ctx.navigate(`#/cases?tab=report&month=${encodeURIComponent(form.elements.month.value)}`); });
  const { data: r } = await api.get('/v1/cases/reports/monthly', { month });
  const csv = h('a', { href: api.url('/v1/cases/reports/monthly', { month, format: 'csv' }), download: `cases-${month}.csv`, id: 'report-csv' }, t('cases.report.csv'));
  const fig = (key, v) => {
    if (v === null || v === undefined) return '—';
    if (key.endsWith('_rate')) return `${formatNumber(Math.round(v * 1000) / 10)}%`;
    return formatNumber(v);
  };
  const section = (title, rows, label) => table([{ label: t('cases.report.group'), render: label },
    ...FIGURES.map((k) => ({ label: t(`cases.report.${k}`), render: (x) => fig(k, x[k]) }))], rows, { caption: title });
  root.append(form, h('h2', {}, t('cases.report.title', { month })), h('p', {}, csv),
    h('div', { class: 'report-tables', id: 'report-tables' },
      section(t('cases.report.total'), [r.total], () => t('cases.report.all')),
      section(t('cases.report.categories'), r.categories, (x) => (x.category ? t(`cases.category.${x.category}`) : t('cases.unclassified'))),
      section(t('cases.report.departments'), r.departments, (x) => `${x.name} (${x.code})`),
      section(t('cases.report.sites'), r.sites, (x) => (x.site_id ? `${x.name} (${x.code})` : t('cases.report.no_site'))),
      section(t('cases.report.regions'), r.regions, (x) => (x.region_id ? x.name : t('cases.report.no_region')))),
    h('h3', {}, t('cases.report.chart')),
    h('img', { src: api.url('/v1/cases/reports/monthly', { month, format: 'svg' }), alt: t('cases.report.chart_alt', { month }), class: 'report-chart', id: 'report-chart' }));
}

