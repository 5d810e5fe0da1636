import { serviceImage } from './build-plan';
import { serviceDependencies } from './deps';
import type { ComposeProject } from './model';

/**
 * Of `services`, those that can start while the project's images build: they
 * neither build an image nor run one a build produces, and nothing they depend
 * on (transitively: depends_on, links, volumes_from, `service:` modes) does.
 * `up` deploys them during the build instead of after it.
 */
export function buildIndependent(project: Pick<ComposeProject, 'name' | 'services'>, services: readonly string[]): string[] {
  const built = new Set<string>();
  for (const s of Object.values(project.services)) if (s.build) built.add(serviceImage(project.name, s));
  const waits = new Map<string, boolean>();
  const waitsOnBuild = (name: string, seen: Set<string>): boolean => {
    const known = waits.get(name);
    if (known !== undefined) return known;
    const s = project.services[name];
    if (!s) return false;
    // A dependency cycle is refused at load; `seen` only keeps a bad input from looping here.
    if (seen.has(name)) return true;
    seen.add(name);
    const out = !!s.build || built.has(serviceImage(project.name, s)) || serviceDependencies(s).some((d) => waitsOnBuild(d, seen));
    waits.set(name, out);
    return out;
  };
  return services.filter((n) => project.services[n] && !waitsOnBuild(n, new Set()));
}
