// The people page (#/people?q=&person=): everyone, paged with the API's cursors, or found by
// name with the server-side search (Chinese substrings work); a person's posts (primary,
// concurrent, acting) with their units, and their reporting chain. The person panel is also
// opened from the org chart's search.
import { api, ApiError } from '../lib/api.js';
import { t, formatDate } from '../lib/i18n.js';
import { h, clear, showProblem, badge } from '../lib/dom.js';

function kindBadge(kind) {
  return badge(t(`people.kind.${kind}`), kind === 'primary' ? 'ok' : kind === 'acting' ? 'warn' : 'info');
}

/** The person's card: name, posts (with units) and chain of command. */
export async function renderPersonPanel(box, personId, { asOf, onUnit } = {}) {
  const q = asOf ? { as_of: asOf } : undefined;
  const section = h('section', { class: 'person-panel', 'aria-labelledby': 'person-title' });
  box.append(section);
  try {
    const [person, assignments, chain] = await Promise.all([
      api.get(`/v1/people/${personId}`, q),
      api.get('/v1/assignments', { ...(q || {}), person_id: personId, limit: 100 }),
      api.get(`/v1/people/${personId}/chain`, q).catch((err) => { if (err instanceof ApiError && err.status < 500) return null; throw err; }),
    ]);
    const p = person.data;
    const posts = assignments.data.items;
    const positions = await Promise.all(posts.map((a) => api.get(`/v1/positions/${a.position_id}`, q).then((r) => r.data)));
    const unitIds = [...new Set(positions.map((x) => x.unit_id))];
    const units = new Map((await Promise.all(unitIds.map((id) => api.get(`/v1/units/${id}`, q).then((r) => r.data)))).map((u) => [u.id, u]));
    const go = (unitId) => (e) => { if (onUnit) { e.preventDefault(); onUnit(unitId); } };
    section.append(
      h('h2', { id: 'person-title', tabindex: '-1' }, p.name),
      h('p', { class: 'muted' }, [p.employee_no, p.archived ? t('people.archived') : null].filter(Boolean).join(' · ')),
      h('h3', {}, t('people.posts', { n: posts.length })),
      posts.length ? h('ul', { class: 'list-plain person-posts' }, posts.map((a, i) => {
        const pos = positions[i]; const u = units.get(pos.unit_id);
        return h('li', { class: 'person-post', 'data-position': pos.id },
          h('strong', {}, pos.title), ' ', pos.grade ? badge(pos.grade, 'info') : null, ' ', kindBadge(a.kind), ' ',
          h('a', { href: `#/chart?focus=${pos.unit_id}`, on: { click: go(pos.unit_id) } }, u ? u.name : pos.unit_id), ' ',
          h('span', { class: 'muted' }, a.end_date ? t('people.from_to', { from: formatDate(a.start_date), to: formatDate(a.end_date) }) : t('people.since', { date: formatDate(a.start_date) })));
      })) : h('p', { class: 'muted' }, t('people.no_posts')),
      h('h3', {}, t('people.chain')),
      chain && chain.data.chain && chain.data.chain.length
        ? h('ol', { class: 'chain' }, chain.data.chain.map((c) => h('li', {},
          h('strong', {}, c.title), ' ', c.grade ? badge(c.grade, 'info') : null, ' ',
          c.holders.length ? c.holders.map((x) => x.name).join('、') : badge(t('people.vacant'), 'warn'))))
        : h('p', { class: 'muted' }, t('people.no_chain')));
    section.querySelector('h2').focus();
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblem(section, err);
  }
}

export async function render(root, params, ctx) {
  const list = h('ul', { class: 'list-plain people-list', 'aria-label': t('people.list') });
  const more = h('button', { type: 'button', class: 'more', id: 'people-more', hidden: true }, t('action.more'));
  const problem = h('div');
  const detail = h('div', { class: 'panel person-detail', 'aria-live': 'polite' }, h('p', { class: 'muted' }, t('people.pick')));
  const input = h('input', { id: 'people-q', type: 'search', name: 'q', value: params.get('q') || '', placeholder: t('people.search.placeholder'), autocomplete: 'off' });
  const form = h('form', { class: 'toolbar', role: 'search' },
    h('label', { for: 'people-q' }, t('people.search.label')), input,
    h('button', { type: 'submit', id: 'people-search' }, t('action.search')));
  root.append(h('h1', {}, t('people.title')), form, problem,
    h('div', { class: 'split' }, h('div', { class: 'panel' }, list, more), detail));

  let cursor = null;

  function row(p) {
    const b = h('button', { type: 'button', class: 'person-row', 'data-person': p.id }, p.name, p.employee_no ? h('span', { class: 'muted' }, ` ${p.employee_no}`) : null);
    b.addEventListener('click', () => ctx.navigate(`#/people?${new URLSearchParams({ ...(input.value ? { q: input.value } : {}), person: p.id })}`));
    return h('li', {}, b);
  }

  async function page(first) {
    clear(problem);
    if (first) { clear(list); cursor = null; }
    try {
      const q = input.value.trim();
      if (q) {
        const res = await api.get('/v1/org/search', { q });
        res.data.people.forEach((p) => list.append(row(p)));
        if (!res.data.people.length) list.append(h('li', { class: 'muted' }, t('people.none', { q })));
        more.hidden = true;
      } else {
        const res = await api.get('/v1/people', { limit: 50, cursor });
        res.data.items.forEach((p) => list.append(row(p)));
        cursor = res.data.next_cursor;
        more.hidden = !cursor;
      }
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      showProblem(problem, err);
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    ctx.navigate(`#/people${input.value.trim() ? `?q=${encodeURIComponent(input.value.trim())}` : ''}`);
  });
  more.addEventListener('click', () => page(false));
  await page(true);
  const person = params.get('person');
  if (person) {
    clear(detail);
    await renderPersonPanel(detail, person, { onUnit: (unitId) => ctx.navigate(`#/chart?focus=${unitId}`) });
  }
}
