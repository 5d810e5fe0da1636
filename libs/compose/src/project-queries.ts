import { dependencyOrder } from './deps';
import type { ComposeProject } from './model';

/** `config --services`: service names, dependencies first (docker-compose 1.29's order). */
export function serviceNames(project: ComposeProject): string[] {
  return dependencyOrder(project);
}

/** `config --volumes`: top-level volume names. */
export function volumeNames(project: ComposeProject): string[] {
  return Object.keys(project.volumes);
}

/** `config --profiles`: every profile named by any service (also inactive ones), sorted. */
export function profileNames(project: ComposeProject): string[] {
  const all = new Set<string>(project.allProfiles ?? []);
  for (const s of Object.values(project.services)) for (const p of s.profiles ?? []) all.add(p);
  return [...all].sort();
}
