// The console's pieces as HTML strings: a row or a card per object, so the page can
// replace only the ones that changed. Input: the compact objects of wire.mjs.
import { age, bytes, cap, colour, clock, esc } from './format.mjs';

export const NODE_HEAD = ['Hostname', 'Role', 'Manager status', 'Status', 'Availability', 'Engine', 'Resources', 'Address'];
export const SERVICE_HEAD = ['Name', 'Mode', 'Replicas', 'Image', 'Ports', 'Update status'];

/** A table whose body the page fills row by row (`id` names the tbody). */
export const tableShell = (cls, head, id) =>
  `<div class="scroll"><table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody id="${id}"></tbody></table></div>`;

export function nodeRow(n) {
  return `<tr data-node="${esc(n.i)}"><td class="hostname">${esc(n.h)}</td><td>${esc(n.r)}</td><td>${esc(n.m)}</td>` +
    `<td class="state-${esc(n.s)}">${esc(cap(n.s))}</td><td>${esc(cap(n.a))}</td><td>${esc(n.e)}</td>` +
    `<td>${esc(n.c)} CPU, ${esc(bytes(n.b))}</td><td>${esc(n.d)}</td></tr>`;
}

export function serviceRow(s) {
  const health = s.desired === 0 ? '' : s.running >= s.desired ? 'ok' : 'bad';
  return `<tr data-service="${esc(s.name)}"><td><a href="#/service/${esc(s.id)}">${esc(s.name)}</a></td><td>${esc(s.mode)}</td>` +
    `<td class="replicas ${health}">${esc(s.replicas)}</td><td>${esc(s.image)}</td><td>${esc(s.ports)}</td><td>${esc(s.update)}</td></tr>`;
}

/** A task's name as `service ps` prints it: service.slot, or service.node for a global one. */
export const taskName = (t, names) => `${names.get(t.s) ?? t.s}.${t.l || t.n}`;

/** The visualizer's card of one node, with the tasks that should run there. */
export function nodeCard(n, tasks, names) {
  const chips = tasks.map((t) => {
    const name = taskName(t, names);
    return `<a class="chip ${colour(t.s)}${t.t === 'running' ? '' : ' pending'}" href="#/service/${esc(t.s)}" title="${esc(name)}: ${esc(t.t)}">${esc(name)}</a>`;
  });
  return `<div class="node ${n.s === 'ready' ? '' : 'down'}" data-node="${esc(n.h)}"><header>${esc(n.h)}${n.l ? ' ★' : ''}</header>${chips.join('') || '<span class="muted">no tasks</span>'}</div>`;
}

/** "Nodes 51–100 of 1001" and the buttons around it; nothing when one page holds all. */
export function pager(what, page, size, total) {
  if (total <= size) return '';
  const last = Math.ceil(total / size) - 1;
  const from = page * size + 1;
  const to = Math.min(total, from + size - 1);
  return `<nav class="pager" data-pager="${esc(what)}"><button data-page="${page - 1}"${page === 0 ? ' disabled' : ''}>‹ Previous</button>` +
    `<span>${from}–${to} of ${total}</span><button data-page="${page + 1}"${page >= last ? ' disabled' : ''}>Next ›</button></nav>`;
}

export function names(title, list, item = (x) => esc(x)) {
  return `<h2>${esc(title)} (${list.length})</h2>` + (list.length ? `<ul class="names">${list.map((x) => `<li>${item(x)}</li>`).join('')}</ul>` : '<p class="muted">None.</p>');
}

export function events(list) {
  const items = list
    .slice()
    .reverse()
    .map((e) => `<li><time>${esc(clock(e.timeNano))}</time>${esc(e.Type)} ${esc(e.Action)} <b>${esc(e.Actor?.Attributes?.name ?? e.Actor?.ID?.slice(0, 12) ?? '')}</b></li>`);
  return `<h2>Events</h2>` + (items.length ? `<ul class="events">${items.join('')}</ul>` : '<p class="muted">No events yet.</p>');
}

export function serviceHeader(s) {
  if (!s) return '<h1>Service not found</h1><p><a href="#/">Back to the overview</a></p>';
  return `<h1>${esc(s.name)}</h1><p class="muted">${esc(s.mode)} · <span class="replicas">${esc(s.replicas)}</span> · ${esc(s.image)}${s.ports ? ` · ${esc(s.ports)}` : ''}${s.update ? ` · update ${esc(s.update)}` : ''}</p>`;
}

/** The service page's task list (`service ps`), from the full rows of /ui/api/services/:id. */
export function serviceTasks(tasks, hosts, now) {
  const rows = tasks.map(
    (t) => `<tr data-task="${esc(t.id)}" data-state="${esc(t.state)}" data-desired="${esc(t.desired)}"><td>${esc(t.name)}</td><td class="host">${esc(hosts.get(t.nodeId) ?? t.nodeId)}</td>` +
      `<td>${esc(cap(t.desired))}</td><td class="state-${esc(t.state)}">${esc(cap(t.state))} ${esc(age(t.since, now))} ago</td><td>${esc(t.health)}</td><td class="err">${esc(t.error)}</td></tr>`,
  );
  if (rows.length === 0) return '<h2>Tasks</h2><p class="muted">No tasks.</p>';
  return `<h2>Tasks</h2><div class="scroll"><table class="tasks"><thead><tr>${['Name', 'Node', 'Desired state', 'Current state', 'Health', 'Error'].map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
