// The service-network page (#/network): the sites by region with their lifecycle status, filtered
// on the server (kind, region, status, capability, expiring); the map orgd draws for the same
// filters; one site's detail with its history and only the lifecycle moves its status allows
// (each asking for a reason); and the nearest eligible site finder, which ranks the sites that
// may take a job at a place and says why nearer ones were left out.
import { api } from '../lib/api.js';
import { h, clear, badge, dialog, toast, table } from '../lib/dom.js';
import { bindForm } from '../lib/forms.js';
import { t, formatDate, formatNumber, loadMessages } from '../lib/i18n.js';
import { tl, field, select, cursorList, regionOptions, compact, userName, thingName, explainRefusal, setViewer } from './access-kit.js';

export const STATUSES = ['planned', 'onboarding', 'authorised', 'probation', 'suspended', 'terminated'];
const STATUS_KIND = { planned: 'info', onboarding: 'info', authorised: 'ok', probation: 'warn', suspended: 'danger', terminated: 'danger' };
// The authorisation lifecycle (docs/service-network.md): the moves each status allows.
const MOVES = {
  planned: ['onboarding', 'terminated'],
  onboarding: ['authorised', 'terminated'],
  authorised: ['probation', 'suspended', 'terminated'],
  probation: ['authorised', 'suspended', 'terminated'],
  suspended: ['authorised', 'terminated'],
  terminated: [],
};
const FILTERS = ['kind', 'region_id', 'status', 'capability', 'expiring'];

export function statusBadge(status) {
  const b = badge(tl(`network.status.${status}`, status), STATUS_KIND[status] || 'info');
  b.classList.add(`status-${status}`);
  b.dataset.status = status;
  return b;
}

async function vocabulary() {
  const { data } = await api.get('/v1/network/vocabulary');
  const term = (x, vocab) => ({ value: x.code, label: x.builtin ? tl(`network.${vocab}.${x.code}`, x.name) : x.name });
  return {
    kinds: data.site_kinds.map((x) => term(x, 'kind')),
    capabilities: data.product_lines.flatMap((p) => data.service_types.map((s) => ({
      value: `${p.code}/${s.code}`, label: `${p.name} · ${s.builtin ? tl(`network.service.${s.code}`, s.name) : s.name}` }))),
  };
}

export async function render(root, params, ctx) {
  setViewer(ctx.me);
  await loadMessages('access'); // the kit's words (unit search, scopes, decisions)
  const [vocab, regions] = await Promise.all([vocabulary(), regionOptions()]);
  const kindName = (code) => (vocab.kinds.find((k) => k.value === code) || { label: code }).label;
  const capName = (code) => (vocab.capabilities.find((c) => c.value === code) || { label: code }).label;
  root.append(h('h1', {}, t('network.title')));
  if (params.get('site')) {
    await renderSite(root, params.get('site'), kindName, capName, ctx);
    return;
  }
  const values = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  const any = (label) => ({ value: '', label });
  const form = h('form', { class: 'panel network-filters', id: 'network-filters', role: 'search', 'aria-label': t('network.filters') },
    field(t('network.filter.kind'), select('kind', [any(t('network.filter.any')), ...vocab.kinds], values.kind, { id: 'network-kind' })),
    field(t('network.filter.region'), select('region_id', [any(t('network.filter.any')), ...regions], values.region_id, { id: 'network-region' })),
    field(t('network.filter.status'), select('status', [any(t('network.filter.any')), ...STATUSES.map((s) => ({ value: s, label: tl(`network.status.${s}`, s) }))], values.status, { id: 'network-status' })),
    field(t('network.filter.capability'), select('capability', [any(t('network.filter.any')), ...vocab.capabilities], values.capability, { id: 'network-capability' })),
    field(t('network.filter.expiring'), select('expiring', [any(t('network.filter.any')), { value: 'expiring', label: t('network.filter.expiring_soon') },
      { value: 'expired', label: t('network.filter.expired') }], values.expiring, { id: 'network-expiring' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('network.filter.apply'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = new URLSearchParams(compact(Object.fromEntries(FILTERS.map((k) => [k, form.elements[k].value]))));
    ctx.navigate(`#/network${q.toString() ? `?${q}` : ''}`);
  });
  const query = compact({ kind: values.kind, region_id: values.region_id, status: values.status, capability: values.capability,
    expiring: values.expiring === 'expiring' ? 'true' : '', expired: values.expiring === 'expired' ? 'true' : '' });

  const list = cursorList({
    fetchPage: async (cursor) => (await api.get('/v1/network/sites', { ...query, limit: 100, cursor })).data,
    renderItems: (items, container) => renderSites(items, container, kindName, capName),
    empty: t('network.empty'),
  });
  const map = h('img', { src: api.url('/v1/network/map.svg', query), alt: t('network.map.alt'), class: 'network-map', id: 'network-map', loading: 'lazy' });
  const mapLink = h('a', { href: api.url('/v1/network/map.svg', query), target: '_blank', rel: 'noopener' }, t('network.map.open'));
  root.append(form,
    h('div', { class: 'network-grid' },
      h('section', { 'aria-labelledby': 'network-sites-title', class: 'network-sites' }, h('h2', { id: 'network-sites-title' }, t('network.sites')), list.element),
      h('div', { class: 'network-side' },
        h('section', { 'aria-labelledby': 'nearest-title', class: 'panel network-nearest' }, await nearestFinder(vocab, regions, kindName)),
        h('section', { 'aria-labelledby': 'network-map-title', class: 'network-map-box' }, h('h2', { id: 'network-map-title' }, t('network.map.title')), map, h('p', {}, mapLink)))));
  await list.reload();
}

/** Sites grouped under their region's name, each row linking to its detail. */
function renderSites(items, container, kindName, capName) {
  const byRegion = new Map();
  for (const s of items) { if (!byRegion.has(s.region_name)) byRegion.set(s.region_name, []); byRegion.get(s.region_name).push(s); }
  for (const [region, sites] of [...byRegion.entries()].sort((a, b) => a[0].localeCompare(b[0], 'zh-CN'))) {
    container.append(table([
      { label: t('network.col.code'), render: (s) => h('a', { href: `#/network?site=${s.id}`, class: 'site-link' }, s.code) },
      { label: t('network.col.name'), key: 'name' },
      { label: t('network.col.kind'), render: (s) => kindName(s.kind) },
      { label: t('network.col.status'), render: (s) => statusBadge(s.status) },
      { label: t('network.col.authorisation'), render: (s) => authText(s) },
      { label: t('network.col.capabilities'), render: (s) => h('ul', { class: 'caps' }, s.capabilities.map((c) => h('li', { title: c }, capName(c)))) },
    ], sites, { caption: t('network.region_caption', { region, n: sites.length }) }));
  }
}

function authText(s) {
  const a = s.authorisation || {};
  if (!a.from && !a.until) return h('span', { class: 'muted' }, t('network.auth.none'));
  const span = h('span', {}, a.until ? t('network.auth.until', { date: formatDate(a.until) }) : t('network.auth.open'));
  if (a.expired) span.append(' ', badge(t('network.auth.expired'), 'danger'));
  return span;
}

// ---- the nearest eligible site finder --------------------------------------------------

async function nearestFinder(vocab, regions, kindName) {
  const out = h('div', { id: 'nearest-out', 'aria-live': 'polite' });
  const form = h('form', { id: 'nearest-form', class: 'nearest-form' },
    h('div', { class: 'inline-fields' },
      field(t('network.nearest.latitude'), h('input', { name: 'latitude', id: 'nearest-lat', inputmode: 'decimal', value: '31.2304', size: 10 })),
      field(t('network.nearest.longitude'), h('input', { name: 'longitude', id: 'nearest-lon', inputmode: 'decimal', value: '121.4737', size: 10 }))),
    field(t('network.nearest.region'), select('region_id', [{ value: '', label: t('network.filter.any') }, ...regions], '', { id: 'nearest-region' })),
    field(t('network.nearest.capability'), select('capability', vocab.capabilities, vocab.capabilities.find((c) => c.value.endsWith('/repair'))?.value, { id: 'nearest-capability' })),
    field(t('network.nearest.limit'), h('input', { name: 'limit', id: 'nearest-limit', type: 'number', min: 1, max: 50, value: 5 })),
    h('button', { type: 'submit', class: 'primary' }, t('network.nearest.submit')));
  bindForm(form, {
    draftKey: 'network.nearest',
    onSubmit: async (v) => {
      const { data } = await api.get('/v1/network/sites/nearest', compact({ ...v, explain: 'true' }));
      clear(out).append(nearestResult(data, kindName));
    },
  });
  return h('div', {}, h('h2', { id: 'nearest-title' }, t('network.nearest.title')), h('p', { class: 'muted' }, t('network.nearest.hint')), form, out);
}

export function nearestResult(data, kindName) {
  const box = h('div', {});
  box.append(h('h3', {}, t('network.nearest.ranked', { n: data.items.length })));
  box.append(data.items.length ? h('ol', { class: 'nearest-list', id: 'nearest-list' }, data.items.map((x) => h('li', {},
    h('a', { href: `#/network?site=${x.site.id}` }, `${x.site.name} (${x.site.code})`), ' ', statusBadge(x.site.status),
    h('div', { class: 'muted' }, distance(x.distance_km), ' · ', t('network.nearest.technicians', { n: x.certified_technicians }), ' · ', kindName ? kindName(x.site.kind) : x.site.kind))))
    : h('p', { class: 'muted' }, t('network.nearest.none')));
  if ((data.excluded || []).length) {
    box.append(h('h3', {}, t('network.nearest.excluded', { n: data.excluded.length })), table([
      { label: t('network.col.name'), render: (x) => h('a', { href: `#/network?site=${x.site.id}` }, `${x.site.name} (${x.site.code})`) },
      { label: t('network.nearest.distance'), render: (x) => distance(x.distance_km) },
      { label: t('network.nearest.why'), render: (x) => h('ul', { class: 'reasons' }, x.reasons.map((r) => h('li', {}, h('strong', {}, tl(`network.reason.${r.code}`, r.code)), ': ', r.detail))) },
    ], data.excluded, { caption: t('network.nearest.excluded_caption') }));
  }
  return box;
}

function distance(km) {
  return km === null || km === undefined ? t('network.nearest.no_distance') : t('network.nearest.km', { km: formatNumber(Math.round(km * 10) / 10) });
}

// ---- one site ----------------------------------------------------------------------------

async function renderSite(root, id, kindName, capName, ctx) {
  const [{ data: site, etag }, { data: hist }] = await Promise.all([api.get(`/v1/network/sites/${id}`), api.get(`/v1/network/sites/${id}/transitions`)]);
  const moves = MOVES[site.status] || [];
  const buttons = moves.map((to) => {
    const b = h('button', { type: 'button', class: to === 'terminated' || to === 'suspended' ? 'danger' : 'primary', 'data-to': to, id: `move-${to}` },
      t(`network.move.${to}`));
    b.addEventListener('click', () => moveDialog(site, etag, to, ctx));
    return b;
  });
  root.append(h('p', {}, h('a', { href: '#/network' }, t('network.back'))),
    h('h2', { id: 'site-title' }, `${site.name} (${site.code}) `, statusBadge(site.status)),
    h('dl', { class: 'facts' },
      h('dt', {}, t('network.col.kind')), h('dd', {}, kindName(site.kind)),
      h('dt', {}, t('network.col.region')), h('dd', {}, site.region_name),
      h('dt', {}, t('network.site.address')), h('dd', {}, site.address || '—'),
      h('dt', {}, t('network.site.location')), h('dd', {}, site.location ? `${site.location.latitude}, ${site.location.longitude}` : '—'),
      h('dt', {}, t('network.site.contact')), h('dd', {}, [site.contact.name, site.contact.phone, site.contact.email].filter(Boolean).join(' · ') || '—'),
      h('dt', {}, t('network.col.capabilities')), h('dd', {}, site.capabilities.map(capName).join('，') || '—'),
      h('dt', {}, t('network.site.covers')), h('dd', {}, site.covers.length ? site.covers.map((r, i) => [i ? ', ' : '', thingName('region', r)]) : t('network.site.own_region')),
      h('dt', {}, t('network.site.radius')), h('dd', {}, site.service_radius_km ? t('network.nearest.km', { km: site.service_radius_km }) : '—'),
      h('dt', {}, t('network.col.authorisation')), h('dd', {}, authText(site))),
    h('section', { 'aria-labelledby': 'site-moves-title', class: 'panel' }, h('h3', { id: 'site-moves-title' }, t('network.moves.title')),
      buttons.length ? h('div', { class: 'actions site-moves' }, buttons) : h('p', { class: 'muted' }, t('network.moves.none'))),
    await techniciansSection(site, capName),
    h('section', { 'aria-labelledby': 'site-history-title' }, h('h3', { id: 'site-history-title' }, t('network.history.title')),
      h('ol', { class: 'timeline', id: 'site-history' }, hist.items.map((x) => h('li', {},
        h('time', { datetime: x.effective_on }, formatDate(x.effective_on)), ' ', statusBadge(x.from), ' → ', statusBadge(x.to), ' ',
        h('span', {}, x.reason), ' ', h('span', { class: 'muted' }, x.actor_id ? userName(x.actor_id) : t('network.history.system')))))));
}

/** The site's technicians today with their certifications — what the nearest search counts. */
async function techniciansSection(site, capName) {
  const { data } = await api.get('/v1/network/technicians', { site_id: site.id, limit: 50 });
  const people = await Promise.all(data.items.map((x) => api.get(`/v1/network/technicians/${x.id}`).then((r) => r.data)));
  const CERT_KIND = { valid: 'ok', expired: 'danger', revoked: 'danger' };
  return h('section', { 'aria-labelledby': 'site-tech-title' }, h('h3', { id: 'site-tech-title' }, t('network.tech.title', { n: people.length })),
    people.length ? table([
      { label: t('network.col.name'), render: (p) => h('span', {}, p.name, p.phone ? h('span', { class: 'muted' }, ` ${p.phone}`) : null) },
      { label: t('network.tech.since'), render: (p) => formatDate(p.posted_from) },
      { label: t('network.tech.certifications'), render: (p) => h('ul', { class: 'caps' }, (p.certifications || []).map((c) => h('li', { title: c.issuer || '' },
        capName(c.capability), ' ', badge(t('network.tech.until', { date: formatDate(c.expires_on) }), CERT_KIND[c.status] || 'info')))) },
    ], people, { caption: t('network.tech.caption') }) : h('p', { class: 'muted' }, t('network.tech.none')));
}

function moveDialog(site, etag, to, ctx) {
  const today = new Date().toISOString().slice(0, 10);
  const form = h('form', { id: 'move-form', class: 'move-form' },
    field(t('network.move.reason'), h('textarea', { name: 'reason', id: 'move-reason', rows: 3 })),
    field(t('network.move.effective_date'), h('input', { type: 'date', name: 'effective_date', id: 'move-date', max: today })),
    to === 'authorised' ? field(t('network.move.authorised_until'), h('input', { type: 'date', name: 'authorised_until', id: 'move-until' })) : null,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t(`network.move.${to}`))));
  const d = dialog(t('network.move.title', { site: site.name, status: tl(`network.status.${to}`, to) }), form);
  let version = etag;
  bindForm(form, {
    draftKey: `network.move.${site.id}.${to}`,
    onSubmit: async (v) => {
      const action = { suspended: 'site.suspend', terminated: 'site.terminate' }[to] || 'site.write';
      try {
        await api.send('POST', `/v1/network/sites/${site.id}/transitions`, { to, ...v }, { ifMatch: version });
      } catch (err) {
        // Someone moved the site first: show it as it is now, and let a resubmission go against that.
        if (err.status === 412) { version = (await api.get(`/v1/network/sites/${site.id}`)).etag; ctx.navigate(`#/network?site=${site.id}`); }
        throw await explainRefusal(err, action, `region:${site.region_id}`);
      }
      d.close();
      toast(t('network.move.done', { status: tl(`network.status.${to}`, to) }));
      ctx.navigate(`#/network?site=${site.id}`);
    },
  });
}

