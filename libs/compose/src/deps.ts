import type { ComposeProject, ServiceDef } from './model';

/**
 * The services a service needs started first: depends_on, links, volumes_from
 * and `network_mode`/`ipc`/`pid: service:X` (docker-compose orders services by all of them).
 */
export function serviceDependencies(s: ServiceDef): string[] {
  const out = new Set(Object.keys(s.depends_on));
  for (const l of s.links ?? []) out.add(l.split(':')[0]);
  for (const v of s.volumes_from ?? []) if (!v.startsWith('container:')) out.add(v.replace(/^service:/, '').split(':')[0]);
  for (const mode of [s.network_mode, s.extra?.ipc, s.extra?.pid]) {
    if (typeof mode === 'string' && mode.startsWith('service:')) out.add(mode.slice(8));
  }
  out.delete(s.name);
  return [...out];
}

/**
 * Services with their dependencies first, in the order docker-compose 1.29
 * gives them (`config --services`, creation order): a depth-first walk over
 * dependents, starting from the last service of the file, each finished
 * service put in front.
 */
export function dependencyOrder(project: Pick<ComposeProject, 'services'>): string[] {
  const names = Object.keys(project.services);
  const dependents = new Map<string, string[]>();
  for (const n of names) {
    for (const d of serviceDependencies(project.services[n])) {
      if (project.services[d]) dependents.set(d, [...(dependents.get(d) ?? []), n]);
    }
  }
  const done = new Set<string>();
  const active = new Set<string>();
  const out: string[] = [];
  const visit = (n: string) => {
    if (done.has(n) || active.has(n)) return;
    active.add(n);
    for (const m of dependents.get(n) ?? []) visit(m);
    active.delete(n);
    done.add(n);
    out.unshift(n);
  };
  for (let i = names.length - 1; i >= 0; i--) visit(names[i]);
  return out;
}

/** A dependency cycle, as the services on it (the first repeated at the end), or undefined. */
export function findCycle(services: Record<string, ServiceDef>): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 2) return undefined;
    if (state.get(n) === 1) return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 1);
    stack.push(n);
    for (const d of serviceDependencies(services[n])) {
      if (!services[d]) continue;
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of Object.keys(services)) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}
