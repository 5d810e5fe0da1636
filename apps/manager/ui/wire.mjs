// The page's copy of the cluster: a full view, then the server's diffs applied to it
// (apps/manager/src/console/console-wire.ts says what they hold). No DOM here.

export function createState() {
  return { q: -1, nodes: new Map(), services: new Map(), tasks: new Map(), byNode: new Map(), stacks: [], networks: [], secrets: [], configs: [] };
}

const LISTS = ['stacks', 'networks', 'secrets', 'configs'];
const NOWHERE = '';

function addTask(st, t) {
  st.tasks.set(t.i, t);
  const n = t.n ?? NOWHERE;
  let set = st.byNode.get(n);
  if (!set) st.byNode.set(n, (set = new Set()));
  set.add(t.i);
}

function dropTask(st, id) {
  const t = st.tasks.get(id);
  if (!t) return undefined;
  st.tasks.delete(id);
  st.byNode.get(t.n ?? NOWHERE)?.delete(id);
  return t;
}

/** Replaces everything with a full view. */
export function load(st, view) {
  Object.assign(st, createState(), { q: view.q });
  for (const n of view.nodes) st.nodes.set(n.i, n);
  for (const s of view.services) st.services.set(s.id, s);
  for (const t of view.tasks) addTask(st, t);
  for (const k of LISTS) st[k] = view[k];
}

/**
 * Applies one diff; says what it touched (so the page redraws only that), or
 * undefined for a diff the state already holds.
 */
export function apply(st, d) {
  if (d.q <= st.q) return undefined;
  st.q = d.q;
  const touched = { nodes: false, services: false, lists: false, tasksOf: new Set() };
  if (d.nodes) {
    touched.nodes = true;
    for (const id of d.nodes.rm) st.nodes.delete(id);
    for (const n of d.nodes.up) st.nodes.set(n.i, n);
  }
  if (d.services) {
    touched.services = true;
    for (const id of d.services.rm) st.services.delete(id);
    for (const s of d.services.up) st.services.set(s.id, s);
  }
  if (d.tasks) {
    for (const id of d.tasks.rm) {
      const t = dropTask(st, id);
      if (t) touched.tasksOf.add(t.n ?? NOWHERE).add(`svc:${t.s}`);
    }
    for (const t of d.tasks.up) {
      const old = dropTask(st, t.i);
      if (old) touched.tasksOf.add(old.n ?? NOWHERE);
      addTask(st, t);
      touched.tasksOf.add(t.n ?? NOWHERE).add(`svc:${t.s}`);
    }
  }
  for (const k of LISTS) {
    if (d[k] === undefined) continue;
    st[k] = d[k];
    touched.lists = true;
  }
  return touched;
}

/** The state as a full view again (what the server would send now): for tests. */
export function toView(st) {
  const sortBy = (xs, key) => [...xs].sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0));
  return {
    q: st.q,
    nodes: sortBy(st.nodes.values(), 'i'),
    services: sortBy(st.services.values(), 'id'),
    tasks: sortBy(st.tasks.values(), 'i'),
    stacks: st.stacks,
    networks: st.networks,
    secrets: st.secrets,
    configs: st.configs,
  };
}
