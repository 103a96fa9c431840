// The org chart page (#/chart?unit=&as_of=&focus=): the tree from GET /v1/units/{id}/tree drawn
// as boxes and lines in HTML/CSS, loaded a few levels at a time and deeper on demand (a
// 20,000-unit company stays usable), with zoom and pan, fit to screen, keyboard navigation
// (arrows move, Enter opens, +/- zoom), hand-off links, server-side search, the chart as of any
// past day, what changed between two days, and export of what is on screen. Editing lives in
// chart-edit.js; this file draws and navigates.
import { api, ApiError } from '../lib/api.js';
import { t, formatDate } from '../lib/i18n.js';
import { h, clear, showProblem, badge } from '../lib/dom.js';
import { openUnitPanel, moveUnitTo } from './chart-edit.js';

// The first view is fetched in steps so a big company paints at once: the top unit and its
// children (one small answer), then, only under a narrow top (NARROW children at most), three
// levels, and when that is still small (SMALL units at most) five.
const NARROW = 12;
const SMALL = 60;
const FIRST_VIEW = 120;    // boxes drawn at most on first paint (levels open while they fit)
const MORE_DEPTH = 2;      // levels fetched when a boundary unit is expanded
const HANDOFF_LIMIT = 400; // boxes above which hand-off links are not fetched on first paint

export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Holder kinds other than primary are marked on the chart (兼 / 代). */
export function holderBadge(kind) {
  if (kind === 'concurrent') return badge(t('chart.holder.concurrent'), 'info');
  if (kind === 'acting') return badge(t('chart.holder.acting'), 'warn');
  return null;
}

export function headcountText(p) {
  return p.establishment === null || p.establishment === undefined
    ? t('chart.headcount.unbounded', { n: p.filled })
    : `${p.filled}/${p.establishment}`;
}

export async function render(root, params, ctx) {
  const state = {
    asOf: params.get('as_of') || today(),
    rootId: params.get('unit') || null,
    focusId: params.get('focus') || null,
    nodes: new Map(),      // id -> {unit, parentId, childIds: [] | null (not loaded), expanded, level}
    scale: 1, x: 0, y: 0,  // the canvas transform
    selected: null,        // the unit with the roving tabindex
    handoffs: [],
    disposed: false,
  };

  const heading = h('h1', { class: 'visually-hidden' }, t('chart.title'));
  const toolbar = h('div', { class: 'toolbar chart-toolbar', role: 'toolbar', 'aria-label': t('chart.toolbar') });
  const status = h('div', { class: 'chart-status', role: 'status', 'aria-live': 'polite' });
  const problemBox = h('div', { class: 'chart-problem' });
  const canvas = h('div', { class: 'chart-canvas' });
  const links = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  links.setAttribute('class', 'chart-links');
  links.setAttribute('aria-hidden', 'true');
  const tree = h('div', { class: 'chart-tree', role: 'tree', 'aria-label': t('chart.tree') });
  canvas.append(links, tree);
  const viewport = h('div', { class: 'chart-viewport' }, canvas);
  const side = h('aside', { class: 'chart-side', 'aria-label': t('chart.side') });
  const layout = h('div', { class: 'chart-layout' }, h('div', { class: 'chart-main' }, viewport), side);
  root.append(heading, toolbar, problemBox, status, layout);

  // ---- loading -----------------------------------------------------------------------------

  async function resolveRoot() {
    if (state.rootId) return state.rootId;
    const first = await api.get('/v1/units', { limit: 1, as_of: state.asOf });
    const u = first.data.items[0];
    if (!u) return null;
    return u.path[0];
  }

  /** Merge a tree answer rooted at `unit` (fetched with `depth`) under parentId at `level`. */
  function merge(unit, parentId, level, depth) {
    const old = state.nodes.get(unit.id);
    const atBoundary = depth === 0;
    const node = {
      unit, parentId, level,
      childIds: atBoundary ? (old && old.childIds) || null : unit.children.map((c) => c.id),
      expanded: old ? old.expanded : false,
    };
    state.nodes.set(unit.id, node);
    if (!atBoundary) for (const c of unit.children) merge(c, unit.id, level + 1, depth - 1);
    return node;
  }

  async function loadSubtree(id, depth, parentId, level) {
    const res = await api.get(`/v1/units/${id}/tree`, { depth, as_of: state.asOf });
    return merge(res.data.unit, parentId, level, depth);
  }

  async function expand(id, open = true) {
    const node = state.nodes.get(id);
    if (!node) return;
    if (open && node.childIds === null) {
      setStatus(t('common.loading'));
      try {
        await loadSubtree(id, MORE_DEPTH, node.parentId, node.level);
        state.nodes.get(id).expanded = true;
        for (const c of state.nodes.get(id).childIds || []) state.nodes.get(c).expanded = false;
      } catch (err) { showError(err); return; }
      setStatus('');
    }
    state.nodes.get(id).expanded = open;
    draw();
  }

  async function expandAll() {
    setStatus(t('common.loading'));
    try {
      const pending = [...state.nodes.values()].filter((n) => n.childIds === null);
      for (const n of pending.slice(0, 50)) await loadSubtree(n.unit.id, 10, n.parentId, n.level);
      for (const n of state.nodes.values()) n.expanded = true;
    } catch (err) { showError(err); return; }
    setStatus('');
    draw();
  }

  /** Open the top unit, then whole levels below it while the boxes shown stay within budget:
   *  a small company opens fully, a 1,000-unit division shows its departments first. */
  function openLevelsWithin(budget) {
    for (const n of state.nodes.values()) n.expanded = false;
    let frontier = [state.rootId];
    let shown = 1;
    for (let level = 0; frontier.length; level += 1) {
      const kids = frontier.flatMap((id) => (state.nodes.get(id).childIds || []).filter((c) => state.nodes.has(c)));
      if (!kids.length || (level > 0 && shown + kids.length > budget)) break;
      frontier.forEach((id) => { state.nodes.get(id).expanded = true; });
      shown += kids.length;
      frontier = kids;
    }
  }

  function collapseAll() {
    for (const n of state.nodes.values()) n.expanded = n.unit.id === state.rootId;
    draw();
  }

  /** Load and expand every ancestor on `path` so the unit is on screen. */
  async function reveal(unitId, path) {
    let ids = path;
    if (!ids) ids = (await api.get(`/v1/units/${unitId}`, { as_of: state.asOf })).data.path;
    if (ids[0] !== state.rootId) {
      state.rootId = ids[0];
      state.nodes.clear();
      await loadSubtree(state.rootId, 1, null, 0);
    }
    for (let i = 0; i < ids.length - 1; i += 1) {
      const n = state.nodes.get(ids[i]);
      if (!n) break;
      if (n.childIds === null || !n.childIds.includes(ids[i + 1])) await loadSubtree(ids[i], 1, n.parentId, n.level);
      state.nodes.get(ids[i]).expanded = true;
    }
    state.selected = unitId;
    draw();
    const box = boxOf(unitId);
    if (box) { centerOn(box); box.focus({ preventScroll: true }); box.classList.add('flash'); }
  }

  async function loadHandoffs() {
    if (state.nodes.size > HANDOFF_LIMIT) { state.handoffs = []; return; }
    const depth = Math.max(...[...state.nodes.values()].map((n) => n.level)) + 1;
    try {
      const res = await api.get(`/v1/units/${state.rootId}/export`, { format: 'json', depth, as_of: state.asOf });
      state.handoffs = (res.data && res.data.handoffs) || [];
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      state.handoffs = [];
    }
    if (!state.disposed) drawLinks();
  }

  async function reload({ keepView = false } = {}) {
    clear(problemBox);
    const expandedBefore = new Set([...state.nodes.values()].filter((n) => n.expanded).map((n) => n.unit.id));
    try {
      state.rootId = await resolveRoot();
      if (!state.rootId) { clear(tree).append(h('p', {}, t('chart.empty'))); return; }
      state.nodes.clear();
      await loadSubtree(state.rootId, 1, null, 0);
      if (!keepView) {
        present(false);
        performance.mark('orgd-chart-drawn');
        // The frame with the boxes has been painted (bench/console.sh reads both marks).
        requestAnimationFrame(() => setTimeout(() => performance.mark('orgd-chart-painted'), 0));
      }
      if (state.nodes.size - 1 <= NARROW) {
        await loadSubtree(state.rootId, 3, null, 0);
        if (state.nodes.size <= SMALL) await loadSubtree(state.rootId, 5, null, 0);
      }
      if (keepView) {
        // Reload what was open before (an edit keeps the user where they were).
        for (const id of expandedBefore) {
          const n = state.nodes.get(id);
          if (n && n.childIds === null) await loadSubtree(id, 1, n.parentId, n.level);
          if (state.nodes.get(id)) state.nodes.get(id).expanded = true;
        }
      }
    } catch (err) { showError(err); return; }
    present(keepView);
    root.dataset.drawn = String(state.nodes.size);
    loadHandoffs();
  }

  /** Draw; a fresh view opens levels within budget and fits, unless the user already moved it. */
  function present(keepView) {
    if (!keepView) openLevelsWithin(FIRST_VIEW);
    draw();
    if (!keepView && !state.userMoved) fit();
  }

  function showError(err) {
    setStatus('');
    if (err instanceof ApiError) showProblem(problemBox, err); else throw err;
  }

  function setStatus(text) { status.textContent = text; }

  // ---- drawing -----------------------------------------------------------------------------

  function unitCounts(u) {
    let est = 0; let filled = 0; let unbounded = false;
    for (const p of u.positions) {
      filled += p.filled;
      if (p.establishment === null || p.establishment === undefined) unbounded = true; else est += p.establishment;
    }
    return { est, filled, unbounded, vacant: u.positions.reduce((s, p) => s + (p.vacant || 0), 0) };
  }

  function positionRow(p) {
    const seats = [];
    for (const holder of p.holders) {
      seats.push(h('li', { class: `seat seat-${holder.kind}` }, holder.name, holderBadge(holder.kind)));
    }
    for (let i = 0; i < Math.min(p.vacant || 0, 6); i += 1) seats.push(h('li', { class: 'seat seat-vacant' }, t('chart.vacant')));
    if ((p.vacant || 0) > 6) seats.push(h('li', { class: 'seat seat-vacant' }, t('chart.vacant_more', { n: p.vacant - 6 })));
    return h('li', { class: ['pos', p.vacant > 0 && 'pos-vacant', p.kind === 'head' && 'pos-head'], 'data-position': p.id },
      h('div', { class: 'pos-head-line' },
        h('span', { class: 'pos-title' }, p.title),
        p.grade ? h('span', { class: 'grade' }, p.grade) : null,
        h('span', { class: 'count' }, headcountText(p))),
      seats.length ? h('ul', { class: 'seats' }, seats) : null);
  }

  function unitBox(node) {
    const u = node.unit;
    const c = unitCounts(u);
    const hasKids = node.childIds === null || node.childIds.length > 0;
    const count = c.unbounded && !c.est ? String(c.filled) : `${c.filled}/${c.est}${c.unbounded ? '+' : ''}`;
    const label = t('chart.unit.label', { name: u.name, count, vacant: c.vacant });
    const box = h('div', {
      class: ['unit', c.vacant > 0 && 'unit-has-vacant', state.selected === u.id && 'selected'],
      role: 'treeitem', id: `unit-${u.id}`, 'data-unit': u.id, tabindex: state.selected === u.id ? '0' : '-1',
      'aria-label': label, 'aria-level': String(node.level + 1),
      'aria-expanded': hasKids ? String(node.expanded && node.childIds !== null) : null,
      'aria-selected': String(state.selected === u.id),
    },
    h('div', { class: 'unit-head' },
      h('span', { class: 'unit-name' }, u.name),
      h('span', { class: 'unit-count', title: t('chart.count.title') }, count)),
    h('div', { class: 'unit-meta' }, [u.code, t(`chart.kind.${u.kind}`) === `chart.kind.${u.kind}` ? u.kind : t(`chart.kind.${u.kind}`), u.tier].filter(Boolean).join(' · ')),
    u.positions.length ? h('ul', { class: 'positions' }, u.positions.map(positionRow)) : null,
    hasKids ? h('button', {
      type: 'button', class: 'toggle', tabindex: '-1', 'data-toggle': u.id,
      'aria-label': t(node.expanded && node.childIds !== null ? 'chart.collapse' : 'chart.expand', { name: u.name }),
    }, node.expanded && node.childIds !== null ? '−' : '+') : null);
    return box;
  }

  function branch(id) {
    const node = state.nodes.get(id);
    const li = h('li', { role: 'none', class: 'branch' }, unitBox(node));
    if (node.expanded && node.childIds && node.childIds.length) {
      li.append(h('ul', { role: 'group', class: 'branches' }, node.childIds.filter((c) => state.nodes.has(c)).map(branch)));
    }
    return li;
  }

  function draw() {
    if (state.disposed || !state.nodes.has(state.rootId)) return;
    if (!state.selected || !state.nodes.has(state.selected)) state.selected = state.rootId;
    const hadFocus = tree.contains(document.activeElement);
    clear(tree).append(h('ul', { role: 'none', class: 'branches chart-root' }, branch(state.rootId)));
    applyTransform();
    drawLinks();
    if (hadFocus) boxOf(state.selected)?.focus({ preventScroll: true });
  }

  function boxOf(id) { return tree.querySelector(`[data-unit="${id}"]`); }

  /** A box's rectangle in canvas coordinates (undoing the zoom). */
  function rectInCanvas(el) {
    const r = el.getBoundingClientRect(); const c = canvas.getBoundingClientRect();
    return { x: (r.left - c.left) / state.scale, y: (r.top - c.top) / state.scale, w: r.width / state.scale, h: r.height / state.scale };
  }

  function drawLinks() {
    while (links.firstChild) links.firstChild.remove();
    links.setAttribute('width', String(tree.scrollWidth));
    links.setAttribute('height', String(tree.scrollHeight));
    const ns = 'http://www.w3.org/2000/svg';
    const defs = document.createElementNS(ns, 'defs');
    const marker = document.createElementNS(ns, 'marker');
    marker.setAttribute('id', 'handoff-arrow'); marker.setAttribute('viewBox', '0 0 10 10');
    marker.setAttribute('refX', '9'); marker.setAttribute('refY', '5');
    marker.setAttribute('markerWidth', '7'); marker.setAttribute('markerHeight', '7'); marker.setAttribute('orient', 'auto');
    const tip = document.createElementNS(ns, 'path'); tip.setAttribute('d', 'M0,0 L10,5 L0,10 z'); tip.setAttribute('class', 'handoff-tip');
    marker.append(tip); defs.append(marker); links.append(defs);
    for (const link of state.handoffs) {
      const a = boxOf(link.from_unit_id); const b = boxOf(link.to_unit_id);
      if (!a || !b) continue;
      const ra = rectInCanvas(a); const rb = rectInCanvas(b);
      const x1 = ra.x + ra.w / 2; const y1 = ra.y + ra.h; const x2 = rb.x + rb.w / 2; const y2 = rb.y + rb.h;
      const dip = Math.max(y1, y2) + 30 + Math.abs(x2 - x1) * 0.08;
      const path = document.createElementNS(ns, 'path');
      path.setAttribute('d', `M${x1},${y1} C${x1},${dip} ${x2},${dip} ${x2},${y2}`);
      path.setAttribute('class', 'handoff');
      path.setAttribute('marker-end', 'url(#handoff-arrow)');
      const title = document.createElementNS(ns, 'title');
      title.textContent = t('chart.handoff', { from: link.from_name, to: link.to_name });
      path.append(title);
      links.append(path);
    }
  }

  // ---- zoom, pan, fit ----------------------------------------------------------------------

  function applyTransform() {
    canvas.style.transform = `translate(${state.x}px, ${state.y}px) scale(${state.scale})`;
    zoomLabel.textContent = `${Math.round(state.scale * 100)}%`;
  }

  function zoom(factor, cx, cy) {
    const v = viewport.getBoundingClientRect();
    const px = cx === undefined ? v.width / 2 : cx; const py = cy === undefined ? v.height / 2 : cy;
    const next = Math.min(2.5, Math.max(0.1, state.scale * factor));
    state.userMoved = true;
    state.x = px - ((px - state.x) * next) / state.scale;
    state.y = py - ((py - state.y) * next) / state.scale;
    state.scale = next;
    applyTransform();
  }

  function fit() {
    const v = viewport.getBoundingClientRect();
    const w = tree.scrollWidth; const hgt = tree.scrollHeight;
    if (!w || !hgt) return;
    state.scale = Math.min(1, Math.max(0.1, Math.min((v.width - 20) / w, (v.height - 20) / hgt)));
    state.x = Math.max(10, (v.width - w * state.scale) / 2);
    state.y = 10;
    applyTransform();
  }

  function centerOn(box) {
    const v = viewport.getBoundingClientRect(); const r = rectInCanvas(box);
    state.x = v.width / 2 - (r.x + r.w / 2) * state.scale;
    state.y = Math.min(10, v.height / 3 - r.y * state.scale);
    applyTransform();
  }

  viewport.addEventListener('wheel', (e) => {
    e.preventDefault();
    const v = viewport.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1, e.clientX - v.left, e.clientY - v.top);
  }, { passive: false });

  // Pointer: drag the background to pan; drag a unit box onto another to move it there.
  let drag = null;
  viewport.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || e.target.closest('button')) return;
    const box = e.target.closest('.unit');
    drag = { box, startX: e.clientX, startY: e.clientY, x: state.x, y: state.y, moved: false, ghost: null };
  });
  window.addEventListener('pointermove', onPointerMove);
  window.addEventListener('pointerup', onPointerUp);

  function onPointerMove(e) {
    if (!drag) return;
    const dx = e.clientX - drag.startX; const dy = e.clientY - drag.startY;
    if (!drag.moved && Math.hypot(dx, dy) < 6) return;
    drag.moved = true;
    if (!drag.box) { state.x = drag.x + dx; state.y = drag.y + dy; state.userMoved = true; applyTransform(); return; }
    if (!drag.ghost) {
      drag.ghost = h('div', { class: 'drag-ghost', 'aria-hidden': 'true' }, drag.box.querySelector('.unit-name').textContent);
      document.body.append(drag.ghost);
      drag.box.classList.add('dragging');
    }
    drag.ghost.style.left = `${e.clientX + 8}px`;
    drag.ghost.style.top = `${e.clientY + 8}px`;
    tree.querySelectorAll('.drop-target').forEach((el) => el.classList.remove('drop-target'));
    const over = dropTargetAt(e.clientX, e.clientY);
    if (over) over.classList.add('drop-target');
  }

  function dropTargetAt(x, y) {
    const el = document.elementFromPoint(x, y);
    const over = el && el.closest && el.closest('.unit');
    return over && drag && over !== drag.box && tree.contains(over) ? over : null;
  }

  function onPointerUp(e) {
    if (!drag) return;
    const d = drag; drag = null;
    if (d.ghost) d.ghost.remove();
    tree.querySelectorAll('.drop-target, .dragging').forEach((el) => el.classList.remove('drop-target', 'dragging'));
    if (!d.moved) return;
    if (d.box) {
      const el = document.elementFromPoint(e.clientX, e.clientY);
      const over = el && el.closest && el.closest('.unit');
      if (over && over !== d.box && tree.contains(over)) {
        const unit = state.nodes.get(d.box.dataset.unit).unit;
        const target = state.nodes.get(over.dataset.unit).unit;
        moveUnitTo(unit, target, chartCtx);
      }
    }
  }

  // Clicks: the toggle expands; a box selects and opens its panel.
  tree.addEventListener('click', (e) => {
    const toggle = e.target.closest('[data-toggle]');
    if (toggle) {
      const n = state.nodes.get(toggle.dataset.toggle);
      select(n.unit.id, false);
      expand(n.unit.id, !(n.expanded && n.childIds !== null));
      return;
    }
    const box = e.target.closest('.unit');
    if (box) { select(box.dataset.unit, true); open(box.dataset.unit, { focus: false }); }
  });

  function select(id, focus) {
    const prev = state.selected && boxOf(state.selected);
    if (prev) { prev.tabIndex = -1; prev.classList.remove('selected'); prev.setAttribute('aria-selected', 'false'); }
    state.selected = id;
    const box = boxOf(id);
    if (!box) return;
    box.tabIndex = 0; box.classList.add('selected'); box.setAttribute('aria-selected', 'true');
    if (focus) box.focus({ preventScroll: true });
    keepVisible(box);
  }

  function keepVisible(box) {
    const v = viewport.getBoundingClientRect(); const r = box.getBoundingClientRect();
    if (r.left < v.left || r.right > v.right || r.top < v.top || r.bottom > v.bottom) centerOn(box);
  }

  // Keyboard: arrows walk the tree, Enter opens, Space/* expand, +/- zoom, 0 fits.
  tree.addEventListener('keydown', (e) => {
    const box = e.target.closest('.unit');
    if (!box) return;
    const id = box.dataset.unit; const node = state.nodes.get(id);
    const siblings = node.parentId ? state.nodes.get(node.parentId).childIds.filter((c) => state.nodes.has(c)) : [id];
    const i = siblings.indexOf(id);
    let handled = true;
    switch (e.key) {
      case 'ArrowUp': if (node.parentId) select(node.parentId, true); break;
      case 'ArrowDown':
        if (node.expanded && node.childIds && node.childIds.length) select(node.childIds[0], true);
        else if (node.childIds === null || (node.childIds && node.childIds.length)) expand(id, true).then(() => { const n = state.nodes.get(id); if (n.childIds && n.childIds.length) select(n.childIds[0], true); });
        break;
      case 'ArrowLeft': if (i > 0) select(siblings[i - 1], true); break;
      case 'ArrowRight': if (i < siblings.length - 1) select(siblings[i + 1], true); break;
      case 'Home': select(state.rootId, true); break;
      case 'Enter': open(id); break;
      case ' ': expand(id, !(node.expanded && node.childIds !== null)).then(() => select(id, true)); break;
      case '*': expandAll().then(() => select(id, true)); break;
      case '+': case '=': zoom(1.2); break;
      case '-': case '_': zoom(1 / 1.2); break;
      case '0': fit(); break;
      default: handled = false;
    }
    if (handled) e.preventDefault();
  });

  // ---- the side panel: a unit, a person -------------------------------------------------------

  /** The unit's panel; focus moves into it when opened from the keyboard (Enter, search). */
  function open(id, { focus = true } = {}) {
    const node = state.nodes.get(id);
    if (!node) return;
    openUnitPanel(side, node.unit, chartCtx, { focus });
  }

  async function openPerson(person) {
    const { renderPersonPanel } = await import('./people.js');
    await loadMessagesFor('people');
    clear(side);
    await renderPersonPanel(side, person.id, { asOf: state.asOf, onUnit: (unitId) => reveal(unitId).then(() => open(unitId)) });
  }

  async function loadMessagesFor(area) {
    const { loadMessages } = await import('../lib/i18n.js');
    await loadMessages(area);
  }

  const chartCtx = {
    ctx,
    asOf: () => state.asOf,
    refresh: async (focusUnit) => {
      await reload({ keepView: true });
      await loadHandoffs();
      if (focusUnit && state.nodes.has(focusUnit)) { select(focusUnit, true); open(focusUnit); }
      else if (focusUnit) { await reveal(focusUnit); open(focusUnit); }
    },
    reveal,
    node: (id) => state.nodes.get(id),
  };

  // ---- toolbar: search, date, view, export, changes -----------------------------------------

  const searchInput = h('input', { id: 'chart-search', type: 'search', name: 'q', autocomplete: 'off', placeholder: t('chart.search.placeholder'), 'aria-controls': 'chart-search-results' });
  const searchResults = h('ul', { id: 'chart-search-results', class: 'search-results', role: 'listbox', 'aria-label': t('chart.search.results'), hidden: true });
  const searchForm = h('form', { class: 'chart-search', role: 'search' },
    h('label', { for: 'chart-search', class: 'visually-hidden' }, t('chart.search.label')), searchInput,
    h('button', { type: 'submit', id: 'chart-search-go' }, t('action.search')), searchResults);
  searchForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = searchInput.value.trim();
    if (!q) return;
    let res;
    try { res = await api.get('/v1/org/search', { q, as_of: state.asOf }); } catch (err) { showError(err); return; }
    const d = res.data;
    const items = [
      ...d.units.map((u) => ({ kind: 'unit', label: u.name, sub: u.code, go: () => reveal(u.id, u.path).then(() => open(u.id)) })),
      ...d.positions.map((p) => ({ kind: 'position', label: p.title, sub: p.grade || '', go: () => reveal(p.unit_id).then(() => open(p.unit_id)) })),
      ...d.people.map((p) => ({ kind: 'person', label: p.name, sub: p.employee_no || '', go: () => openPerson(p) })),
    ];
    clear(searchResults);
    searchResults.hidden = false;
    if (!items.length) { searchResults.append(h('li', { class: 'muted' }, t('chart.search.none', { q }))); return; }
    for (const it of items) {
      const b = h('button', { type: 'button', class: `result result-${it.kind}`, role: 'option' },
        badge(t(`chart.search.kind.${it.kind}`), 'info'), ' ', it.label, it.sub ? h('span', { class: 'muted' }, ` ${it.sub}`) : null);
      b.addEventListener('click', async () => { searchResults.hidden = true; await it.go(); });
      searchResults.append(h('li', { role: 'none' }, b));
    }
    searchResults.querySelector('button').focus();
  });
  searchForm.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { searchResults.hidden = true; searchInput.focus(); }
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !searchResults.hidden) {
      const all = [...searchResults.querySelectorAll('button')];
      const i = all.indexOf(document.activeElement);
      const next = all[(i + (e.key === 'ArrowDown' ? 1 : -1) + all.length) % all.length];
      if (next) { next.focus(); e.preventDefault(); }
    }
  });

  const dateInput = h('input', { id: 'chart-as-of', type: 'date', name: 'as_of', value: state.asOf, max: '9999-12-31' });
  dateInput.addEventListener('change', () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dateInput.value)) return;
    state.asOf = dateInput.value;
    ctx.navigate(hashFor());
  });
  const todayBtn = h('button', { type: 'button', id: 'chart-today' }, t('common.today'));
  todayBtn.addEventListener('click', () => { state.asOf = today(); ctx.navigate(hashFor()); });

  function hashFor() {
    const q = new URLSearchParams();
    if (state.rootId) q.set('unit', state.rootId);
    if (state.asOf !== today()) q.set('as_of', state.asOf);
    return `#/chart?${q}`;
  }

  const zoomLabel = h('span', { class: 'zoom-label', 'aria-live': 'off' }, '100%');
  const tool = (id, key, fn, text) => {
    const b = h('button', { type: 'button', id, 'aria-label': t(key), title: t(key) }, text || t(key));
    b.addEventListener('click', fn);
    return b;
  };

  const exportSel = h('select', { id: 'chart-export', 'aria-label': t('chart.export.label') },
    h('option', { value: '' }, t('chart.export.choose')),
    ['svg', 'png', 'csv-units', 'csv-positions', 'csv-people', 'csv-assignments'].map((f) => h('option', { value: f }, t(`chart.export.${f}`))));
  exportSel.addEventListener('change', async () => {
    const f = exportSel.value; exportSel.value = '';
    if (f) await exportAs(f);
  });

  async function exportAs(f) {
    const depth = Math.max(0, ...[...state.nodes.values()].filter(visibleNode).map((n) => n.level));
    const base = { as_of: state.asOf, depth };
    const code = state.nodes.get(state.rootId).unit.code || 'chart';
    if (f === 'svg') { download(api.url(`/v1/units/${state.rootId}/export`, { ...base, format: 'svg' }), `${code}-${state.asOf}.svg`); return; }
    if (f.startsWith('csv-')) {
      download(api.url(`/v1/units/${state.rootId}/export`, { ...base, format: 'csv', resource: f.slice(4) }), `${code}-${f.slice(4)}-${state.asOf}.csv`);
      return;
    }
    // PNG: the server's SVG drawn onto a canvas here.
    try {
      const svg = await api.get(`/v1/units/${state.rootId}/export`, { ...base, format: 'svg' });
      const blob = new Blob([svg.data], { type: 'image/svg+xml' });
      const url = URL.createObjectURL(blob);
      const img = new Image();
      await new Promise((ok, bad) => { img.onload = ok; img.onerror = bad; img.src = url; });
      const c = document.createElement('canvas');
      c.width = img.naturalWidth || 1200; c.height = img.naturalHeight || 800;
      const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height); g.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      c.toBlob((png) => { const u = URL.createObjectURL(png); download(u, `${code}-${state.asOf}.png`); setTimeout(() => URL.revokeObjectURL(u), 5000); });
    } catch (err) { if (err instanceof ApiError) showError(err); else setStatus(t('chart.export.failed')); }
  }

  function visibleNode(n) {
    for (let p = n.parentId; p; p = state.nodes.get(p).parentId) if (!state.nodes.get(p).expanded) return false;
    return true;
  }

  function download(href, name) {
    const a = h('a', { href, download: name, class: 'visually-hidden' }, name);
    document.body.append(a); a.click(); a.remove();
  }

  const changesBtn = tool('chart-changes', 'chart.changes.open', () => openChanges());
  toolbar.append(
    searchForm,
    h('span', { class: 'spacer' }),
    h('label', { for: 'chart-as-of' }, t('chart.as_of')), dateInput, todayBtn, changesBtn,
    h('span', { class: 'tool-group' },
      tool('chart-expand-all', 'chart.expand_all', expandAll),
      tool('chart-collapse-all', 'chart.collapse_all', collapseAll),
      tool('chart-zoom-out', 'chart.zoom_out', () => zoom(1 / 1.2), '−'),
      zoomLabel,
      tool('chart-zoom-in', 'chart.zoom_in', () => zoom(1.2), '+'),
      tool('chart-fit', 'chart.fit', fit)),
    exportSel);

  if (state.asOf !== today()) {
    toolbar.after(h('p', { class: 'past-banner', role: 'note' }, t('chart.past', { date: formatDate(state.asOf) })));
  }

  // ---- what changed between two days ---------------------------------------------------------

  function openChanges() {
    clear(side);
    const from = h('input', { type: 'date', id: 'changes-from', name: 'from', value: shiftDays(state.asOf, -30) });
    const to = h('input', { type: 'date', id: 'changes-to', name: 'to', value: state.asOf });
    const list = h('div', { class: 'changes-list' });
    const more = h('button', { type: 'button', class: 'more', hidden: true }, t('action.more'));
    let cursor = null;
    const form = h('form', { class: 'changes-form' },
      h('div', { class: 'field' }, h('label', { for: 'changes-from' }, t('chart.changes.from')), from),
      h('div', { class: 'field' }, h('label', { for: 'changes-to' }, t('chart.changes.to')), to),
      h('button', { type: 'submit', class: 'primary', id: 'changes-go' }, t('chart.changes.show')));
    async function page(first) {
      if (first) { clear(list); cursor = null; }
      try {
        const res = await api.get('/v1/org/changes', { from: from.value, to: to.value, limit: 50, cursor });
        cursor = res.data.next_cursor;
        more.hidden = !cursor;
        if (first && !res.data.items.length) list.append(h('p', { class: 'muted' }, t('chart.changes.none')));
        for (const c of res.data.items) list.append(changeItem(c));
      } catch (err) { if (err instanceof ApiError) showProblem(list, err); else throw err; }
    }
    form.addEventListener('submit', (e) => { e.preventDefault(); page(true); });
    more.addEventListener('click', () => page(false));
    const back = h('button', { type: 'button', id: 'changes-see-before' }, t('chart.changes.see_before'));
    back.addEventListener('click', () => { state.asOf = shiftDays(from.value, -1); ctx.navigate(hashFor()); });
    side.append(h('h2', {}, t('chart.changes.title')), form, back, list, more);
    page(true);
    from.focus();
  }

  function changeItem(c) {
    const b = c.before || {}; const a = c.after || {};
    // Ids say nothing to a person: keep only those that name a unit on the chart.
    const readable = (k) => !(k === 'id' || k.endsWith('_id')) || [a[k], b[k]].some((v) => v && state.nodes.has(v));
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])]
      .filter((k) => show(b[k]) !== show(a[k]) && readable(k) && !['revision', 'effective_from', 'effective_until', 'path'].includes(k));
    const name = a.name || a.title || a.person_name || b.name || b.title || b.person_name || c.resource_id;
    return h('div', { class: 'change' },
      h('div', {}, h('strong', {}, formatDate(c.effective_on)), ' ', badge(t(`chart.action.${c.action}`) === `chart.action.${c.action}` ? c.action : t(`chart.action.${c.action}`), 'info'), ' ', name),
      keys.length ? h('ul', { class: 'diff' }, keys.map((k) => h('li', {}, h('code', {}, k), ': ',
        h('span', { class: 'before' }, show(b[k])), ' → ', h('span', { class: 'after' }, show(a[k]))))) : null);
  }

  function show(v) {
    if (v === undefined || v === null) return '∅';
    if (typeof v === 'object') return JSON.stringify(v);
    if (typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v) && state.nodes.has(v)) return state.nodes.get(v).unit.name;
    return String(v);
  }

  function shiftDays(date, n) {
    const d = new Date(`${date}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  // ---- start --------------------------------------------------------------------------------

  side.append(h('p', { class: 'muted' }, t('chart.side.hint')));
  await reload();
  if (state.focusId) await reveal(state.focusId).then(() => open(state.focusId)).catch(showError);
  const onResize = () => drawLinks();
  window.addEventListener('resize', onResize);
  return () => {
    state.disposed = true;
    window.removeEventListener('pointermove', onPointerMove);
    window.removeEventListener('pointerup', onPointerUp);
    window.removeEventListener('resize', onResize);
  };
}
