// The console page: follows /ui/api/stream (server-sent events) and renders the
// current route from the latest snapshot; nothing is fetched from elsewhere.
import * as v from './views.mjs';
import { esc } from './format.mjs';

const MAX_EVENTS = 200;
const MAX_LOG_LINES = 500;

const main = document.getElementById('main');
const conn = document.getElementById('conn');
let state;
const events = [];
let logs; // { id, source, lines }
const shown = new Map(); // section id -> last HTML, so unchanged sections are not rebuilt

function route() {
  const m = /^#\/service\/([^/]+)$/.exec(location.hash);
  if (m) return { page: 'service', id: decodeURIComponent(m[1]) };
  return { page: location.hash === '#/events' ? 'events' : 'overview' };
}

/** Puts `html` into section `id` only if it changed (keeps scroll positions and selections). */
function put(id, html) {
  if (shown.get(id) === html) return;
  shown.set(id, html);
  const el = document.getElementById(id);
  if (el) el.innerHTML = html;
}

function layout(sections) {
  const key = sections.map(([id, cls]) => `${id}:${cls}`).join(',');
  if (main.dataset.layout === key) return;
  main.dataset.layout = key;
  shown.clear();
  main.innerHTML = sections.map(([id, cls]) => `<section id="${id}" class="${cls}"></section>`).join('');
}

function render() {
  if (!state) return;
  const r = route();
  if (r.page !== 'service') stopLogs();
  if (r.page === 'service') {
    layout([['svc-head', 'wide'], ['svc-tasks', 'wide'], ['svc-logs', 'wide']]);
    const s = state.services.find((x) => x.id === r.id || x.name === r.id);
    put('svc-head', v.serviceHeader(s));
    put('svc-tasks', s ? v.serviceTasks(state, s.id, Date.now()) : '');
    if (s) followLogs(s.id);
    return;
  }
  if (r.page === 'events') {
    layout([['events', 'wide']]);
    put('events', v.events(events));
    return;
  }
  layout([['services', ''], ['stacks', ''], ['nodes', ''], ['networks', ''], ['grid', 'wide'], ['secrets', ''], ['configs', ''], ['events', 'wide']]);
  put('services', v.servicesTable(state.services));
  put('nodes', v.nodesTable(state.nodes));
  put('grid', v.grid(state));
  put('stacks', v.names('Stacks', state.stacks, (s) => `${esc(s.name)} <span class="muted">(${esc(s.services)} services)</span>`));
  put('networks', v.names('Networks', state.networks));
  put('secrets', v.names('Secrets', state.secrets));
  put('configs', v.names('Configs', state.configs));
  put('events', v.events(events.slice(-30)));
}

function followLogs(id) {
  if (logs?.id === id) return;
  stopLogs();
  const lines = [];
  const source = new EventSource(`api/services/${encodeURIComponent(id)}/logs`);
  logs = { id, source, lines };
  put('svc-logs', '<h2>Logs</h2><pre class="logs" id="log-lines"></pre>');
  source.addEventListener('line', (m) => {
    const l = JSON.parse(m.data);
    lines.push(l);
    const pre = document.getElementById('log-lines');
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

function connect() {
  const source = new EventSource('api/stream');
  source.addEventListener('open', () => {
    conn.textContent = 'live';
    conn.className = 'conn live';
  });
  source.addEventListener('error', () => {
    // EventSource reconnects by itself; the page says so meanwhile.
    conn.textContent = 'reconnecting…';
    conn.className = 'conn down';
  });
  source.addEventListener('state', (m) => {
    const first = !state;
    state = JSON.parse(m.data);
    render();
    if (first) performance.mark('console-first-state');
  });
  source.addEventListener('event', (m) => {
    events.push(JSON.parse(m.data));
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
    render();
  });
}

window.addEventListener('hashchange', render);
// Ages ("Running 5 seconds ago") move with the clock, not with the cluster.
setInterval(render, 1000);
connect();
