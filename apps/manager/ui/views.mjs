// The console's pages as HTML strings built from the server's view model.
import { age, bytes, cap, clock, colour, esc } from './format.mjs';

const table = (cls, head, rows, empty) =>
  rows.length === 0
    ? `<p class="muted">${esc(empty)}</p>`
    : `<div class="scroll"><table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;

export function nodesTable(nodes) {
  const rows = nodes.map(
    (n) => `<tr data-node="${esc(n.id)}"><td class="hostname">${esc(n.hostname)}</td><td>${esc(n.role)}</td><td>${esc(n.manager)}</td>` +
      `<td class="state-${esc(n.status)}">${esc(cap(n.status))}</td><td>${esc(cap(n.availability))}</td><td>${esc(n.engine)}</td>` +
      `<td>${esc(n.cpus)} CPU, ${esc(bytes(n.memoryBytes))}</td><td>${esc(n.addr)}</td></tr>`,
  );
  return `<h2>Nodes (${nodes.length})</h2>` + table('nodes', ['Hostname', 'Role', 'Manager status', 'Status', 'Availability', 'Engine', 'Resources', 'Address'], rows, 'No nodes.');
}

export function servicesTable(services) {
  const rows = services.map((s) => {
    const health = s.desired === 0 ? '' : s.running >= s.desired ? 'ok' : 'bad';
    return `<tr data-service="${esc(s.name)}"><td><a href="#/service/${esc(s.id)}">${esc(s.name)}</a></td><td>${esc(s.mode)}</td>` +
      `<td class="replicas ${health}">${esc(s.replicas)}</td><td>${esc(s.image)}</td><td>${esc(s.ports)}</td><td>${esc(s.update)}</td></tr>`;
  });
  return `<h2>Services (${services.length})</h2>` + table('services', ['Name', 'Mode', 'Replicas', 'Image', 'Ports', 'Update status'], rows, 'No services.');
}

/** The visualizer: one card per node with the tasks that should run there. */
export function grid(state) {
  const names = new Map(state.services.map((s) => [s.id, s.name]));
  const byNode = new Map(state.nodes.map((n) => [n.id, []]));
  for (const t of state.tasks) if (t.desired !== 'shutdown' && byNode.has(t.nodeId)) byNode.get(t.nodeId).push(t);
  const cards = state.nodes.map((n) => {
    const chips = byNode.get(n.id).map(
      (t) => `<a class="chip ${colour(t.serviceId)}${t.state === 'running' ? '' : ' pending'}" href="#/service/${esc(t.serviceId)}" title="${esc(t.name)}: ${esc(t.state)}">${esc(t.name)}</a>`,
    );
    return `<div class="node ${n.status === 'ready' ? '' : 'down'}" data-node="${esc(n.hostname)}"><header>${esc(n.hostname)}${n.leader ? ' ★' : ''}</header>${chips.join('') || '<span class="muted">no tasks</span>'}</div>`;
  });
  const unassigned = state.tasks.filter((t) => t.desired !== 'shutdown' && !t.nodeId).length;
  return `<h2>Nodes × tasks</h2><div class="grid">${cards.join('')}</div>` + (unassigned ? `<p class="muted">${unassigned} task(s) not yet on a node (${esc(names.size)} services)</p>` : '');
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

export function serviceTasks(state, id, now) {
  const hosts = new Map(state.nodes.map((n) => [n.id, n.hostname]));
  const rows = state.tasks
    .filter((t) => t.serviceId === id)
    .map(
      (t) => `<tr data-task="${esc(t.id)}" data-state="${esc(t.state)}" data-desired="${esc(t.desired)}"><td>${esc(t.name)}</td><td class="host">${esc(hosts.get(t.nodeId) ?? t.nodeId)}</td>` +
        `<td>${esc(cap(t.desired))}</td><td class="state-${esc(t.state)}">${esc(cap(t.state))} ${esc(age(t.since, now))} ago</td><td>${esc(t.health)}</td><td class="err">${esc(t.error)}</td></tr>`,
    );
  return `<h2>Tasks</h2>` + table('tasks', ['Name', 'Node', 'Desired state', 'Current state', 'Health', 'Error'], rows, 'No tasks.');
}
