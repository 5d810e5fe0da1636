// The console page: follows /ui/api/stream (server-sent events: one compact view, then
// diffs) and redraws, once per animation frame, only what the diffs touched. Long lists
// are paged, so a 1,000-node cluster never puts thousands of rows on the page at once.
import * as v from './views.mjs';
import { esc } from './format.mjs';
import { apply, createState, load } from './wire.mjs';

const MAX_EVENTS = 200;
const MAX_LOG_LINES = 500;
/** Rows of the node table and cards of the grid per page. */
const PAGE = { nodes: 50, grid: 48 };
/** The service page fetches its tasks at most this often while they change. */
const DETAIL_EVERY_MS = 300;

const main = document.getElementById('main');
const conn = document.getElementById('conn');
const st = createState();
let loaded = false;
const events = [];
let logs; // { id, source }
const page = { nodes: 0, grid: 0 };
/** What needs drawing at the next frame. */
const dirty = { services: false, nodes: false, grid: false, lists: false, events: false, detail: false };
let frame = 0;
/** Hostname order, rebuilt only when the nodes change. */
let nodeOrder = [];
let names = new Map();
let detail; // { id, data, fetching, again, at }

function route() {
  const m = /^#\/service\/([^/]+)$/.exec(location.hash);
  if (m) return { page: 'service', id: decodeURIComponent(m[1]) };
  return { page: location.hash === '#/events' ? 'events' : 'overview' };
}

function schedule() {
  if (!frame) frame = requestAnimationFrame(draw);
}

function everything() {
  Object.assign(dirty, { services: true, nodes: true, grid: true, lists: true, events: true, detail: true });
  schedule();
}

/** Sets `el`'s HTML only if it changed (keeps scroll positions and selections). */
const html = new WeakMap();
function put(el, s) {
  if (!el || html.get(el) === s) return;
  html.set(el, s);
  el.innerHTML = s;
}

/**
 * Fills `container` with one child per [key, html]: when the keys are the same as last time
 * only the children whose HTML changed are replaced; otherwise all are rebuilt (a page turn).
 */
const lists = new WeakMap();
function patch(container, items) {
  if (!container) return;
  const keys = items.map((x) => x[0]).join('\n');
  const prev = lists.get(container);
  if (!prev || prev.keys !== keys) {
    container.innerHTML = items.map((x) => x[1]).join('');
    lists.set(container, { keys, html: items.map((x) => x[1]) });
    return;
  }
  items.forEach(([, h], i) => {
    if (prev.html[i] === h) return;
    prev.html[i] = h;
    container.children[i].outerHTML = h;
  });
}

function layout(sections) {
  const key = sections.map(([id]) => id).join(',');
  if (main.dataset.layout === key) return false;
  main.dataset.layout = key;
  main.innerHTML = sections.map(([id, cls, inner = '']) => `<section id="${id}" class="${cls}">${inner}</section>`).join('');
  return true;
}

const $ = (id) => document.getElementById(id);

function sortNodes() {
  nodeOrder = [...st.nodes.values()].sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : a.i < b.i ? -1 : a.i > b.i ? 1 : 0));
  for (const k of ['nodes', 'grid']) page[k] = Math.min(page[k], Math.max(0, Math.ceil(nodeOrder.length / PAGE[k]) - 1));
}

/** Whether node `id`'s card is on the grid's current page (a change elsewhere draws nothing). */
function nodeShown(id) {
  const from = page.grid * PAGE.grid;
  for (let i = from; i < Math.min(nodeOrder.length, from + PAGE.grid); i++) if (nodeOrder[i].i === id) return true;
  return false;
}

const pageOf = (k) => nodeOrder.slice(page[k] * PAGE[k], (page[k] + 1) * PAGE[k]);

function tasksOn(nodeId) {
  const out = [];
  for (const id of st.byNode.get(nodeId) ?? []) out.push(st.tasks.get(id));
  return out.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : (a.l ?? 0) - (b.l ?? 0)));
}

function drawOverview() {
  const fresh = layout([
    ['services', '', `<h2 id="services-title"></h2>${v.tableShell('services', v.SERVICE_HEAD, 'services-rows')}`],
    ['stacks', ''],
    ['nodes', '', `<h2 id="nodes-title"></h2>${v.tableShell('nodes', v.NODE_HEAD, 'nodes-rows')}<div id="nodes-pager"></div>`],
    ['networks', ''],
    ['grid', 'wide', '<h2>Nodes × tasks</h2><div id="grid-pager"></div><div class="grid" id="grid-cards"></div><p class="muted" id="grid-note"></p>'],
    ['secrets', ''],
    ['configs', ''],
    ['events', 'wide'],
  ]);
  if (fresh) Object.assign(dirty, { services: true, nodes: true, grid: true, lists: true, events: true });
  if (dirty.services) {
    const services = [...st.services.values()].sort((a, b) => a.name.localeCompare(b.name));
    put($('services-title'), `Services (${services.length})`);
    patch($('services-rows'), services.map((s) => [s.id, v.serviceRow(s)]));
  }
  if (dirty.nodes) {
    put($('nodes-title'), `Nodes (${nodeOrder.length})`);
    patch($('nodes-rows'), pageOf('nodes').map((n) => [n.i, v.nodeRow(n)]));
    put($('nodes-pager'), v.pager('nodes', page.nodes, PAGE.nodes, nodeOrder.length));
  }
  if (dirty.grid) {
    // At most a page of cards is built; `patch` replaces only those whose HTML changed.
    patch($('grid-cards'), pageOf('grid').map((n) => [n.i, v.nodeCard(n, tasksOn(n.i), names)]));
    put($('grid-pager'), v.pager('grid', page.grid, PAGE.grid, nodeOrder.length));
    const unassigned = st.byNode.get('')?.size ?? 0;
    put($('grid-note'), unassigned ? `${unassigned} task(s) not yet on a node` : '');
  }
  if (dirty.lists) {
    put($('stacks'), v.names('Stacks', st.stacks, (s) => `${esc(s.name)} <span class="muted">(${esc(s.services)} services)</span>`));
    put($('networks'), v.names('Networks', st.networks));
    put($('secrets'), v.names('Secrets', st.secrets));
    put($('configs'), v.names('Configs', st.configs));
  }
  if (dirty.events) put($('events'), v.events(events.slice(-30)));
}

function drawService(id) {
  layout([['svc-head', 'wide'], ['svc-tasks', 'wide'], ['svc-logs', 'wide']]);
  if (!detail || detail.id !== id) {
    detail = { id, data: undefined, fetching: false, again: false, at: 0 };
    fetchDetail();
  }
  if (dirty.detail && detail.data !== undefined) {
    const d = detail.data;
    put($('svc-head'), v.serviceHeader(d?.service));
    const hosts = new Map([...st.nodes.values()].map((n) => [n.i, n.h]));
    put($('svc-tasks'), d ? v.serviceTasks(d.tasks, hosts, Date.now()) : '');
    if (d) followLogs(d.service.id);
  }
}

async function fetchDetail() {
  const d = detail;
  if (d.fetching) return void (d.again = true);
  d.fetching = true;
  const wait = d.at + DETAIL_EVERY_MS - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  try {
    const r = await fetch(`api/services/${encodeURIComponent(d.id)}`);
    d.data = r.status === 404 ? null : await r.json();
  } catch {
    // The stream's reconnect brings the next chance.
  }
  d.at = Date.now();
  d.fetching = false;
  dirty.detail = true;
  schedule();
  if (d.again && detail === d) {
    d.again = false;
    fetchDetail();
  }
}

function draw() {
  frame = 0;
  if (!loaded) return;
  const r = route();
  if (r.page !== 'service') {
    stopLogs();
    detail = undefined;
  }
  if (dirty.nodes || dirty.grid) {
    names = new Map([...st.services.values()].map((s) => [s.id, s.name]));
  }
  if (r.page === 'service') drawService(r.id);
  else if (r.page === 'events') {
    if (layout([['events', 'wide']])) dirty.events = true;
    if (dirty.events) put($('events'), v.events(events));
  } else drawOverview();
  Object.assign(dirty, { services: false, nodes: false, grid: false, lists: false, events: false, detail: false });
}

function followLogs(id) {
  if (logs?.id === id) return;
  stopLogs();
  const source = new EventSource(`api/services/${encodeURIComponent(id)}/logs`);
  logs = { id, source };
  put($('svc-logs'), '<h2>Logs</h2><pre class="logs" id="log-lines"></pre>');
  source.addEventListener('line', (m) => {
    const l = JSON.parse(m.data);
    const pre = $('log-lines');
    if (!pre) return;
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    const row = document.createElement('div');
    row.className = l.stream;
    // As `docker service logs` prefixes a line: web.1.<task id>@host.
    row.innerHTML = `<span class="src">${esc(l.task)}.${esc(l.taskId.slice(0, 12))}@${esc(l.node)} | </span>${esc(l.line)}`;
    pre.appendChild(row);
    while (pre.childElementCount > MAX_LOG_LINES) pre.firstElementChild.remove();
    if (atEnd) pre.scrollTop = pre.scrollHeight;
  });
}

function stopLogs() {
  logs?.source.close();
  logs = undefined;
}

function onDiff(d) {
  const t = apply(st, d);
  if (!t) return;
  if (t.nodes) {
    sortNodes();
    dirty.nodes = dirty.grid = true;
  }
  if (t.services) {
    dirty.services = true;
    // A renamed service renames its chips.
    dirty.grid = true;
  }
  if (t.lists) dirty.lists = true;
  for (const k of t.tasksOf) {
    if (k.startsWith('svc:')) {
      if (detail && (k === `svc:${detail.id}` || k === `svc:${detail.data?.service.id}`)) fetchDetail();
    } else if (nodeShown(k)) dirty.grid = true;
  }
  if (t.services && detail) fetchDetail();
  if (t.tasksOf.has('')) dirty.grid = true;
  schedule();
}

function connect() {
  const source = new EventSource('api/stream');
  source.addEventListener('open', () => {
    conn.textContent = 'live';
    conn.className = 'conn live';
  });
  source.addEventListener('error', () => {
    // EventSource reconnects by itself (and gets a whole view again); the page says so meanwhile.
    conn.textContent = 'reconnecting…';
    conn.className = 'conn down';
  });
  source.addEventListener('state', (m) => {
    const first = !loaded;
    load(st, JSON.parse(m.data));
    loaded = true;
    sortNodes();
    events.length = 0;
    if (detail) fetchDetail();
    everything();
    if (first) requestAnimationFrame(() => performance.mark('console-first-state'));
  });
  source.addEventListener('diff', (m) => onDiff(JSON.parse(m.data)));
  source.addEventListener('event', (m) => {
    events.push(JSON.parse(m.data));
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
    dirty.events = true;
    schedule();
  });
}

main.addEventListener('click', (e) => {
  const b = e.target.closest?.('nav.pager button[data-page]');
  if (!b) return;
  const what = b.closest('nav.pager').dataset.pager;
  page[what] = Number(b.dataset.page);
  dirty[what] = true;
  schedule();
});
window.addEventListener('hashchange', everything);
// Ages ("Running 5 seconds ago") move with the clock, not with the cluster: only the service page shows them.
setInterval(() => {
  if (detail?.data) {
    dirty.detail = true;
    schedule();
  }
}, 1000);
connect();
