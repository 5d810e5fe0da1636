import type { ComposeProject, ServiceDef } from './model';
import type { Path } from './positions';
import { findCycle } from './deps';

export type Report = (path: Path, message: string) => void;

/**
 * Checks that need the whole project: references to undefined networks,
 * volumes, secrets, configs and services; depends_on cycles; container_name
 * with replicas; network_mode/volumes_from pointing at services.
 */
export function checkProject(
  p: Pick<ComposeProject, 'services' | 'networks' | 'volumes' | 'secrets' | 'configs'>,
  all: Set<string>,
  report: Report,
  disabled: Map<string, string[]> = new Map(),
): void {
  for (const [name, s] of Object.entries(p.services)) {
    const at = (...k: (string | number)[]) => ['services', name, ...k];
    for (const dep of Object.keys(s.depends_on)) {
      if (!all.has(dep)) report(at('depends_on'), `Service '${name}' depends on service '${dep}' which is undefined.`);
      else if (dep === name) report(at('depends_on'), `Service '${name}' depends on itself.`);
      else if (disabled.has(dep)) {
        report(at('depends_on'), `Service "${dep}" was pulled in as a dependency of service "${name}" but is not enabled by the active profiles (it needs one of: ${disabled.get(dep)!.join(', ')}).`);
      }
    }
    for (const l of s.links ?? []) {
      const target = l.split(':')[0];
      if (!all.has(target)) report(at('links'), `Service '${name}' has a link to service '${target}' which is undefined.`);
    }
    for (const net of Object.keys(s.networks)) {
      if (net !== 'default' && !(net in p.networks)) report(at('networks'), `Service "${name}" uses an undefined network "${net}"`);
    }
    s.volumes.forEach((m, i) => {
      if (m.type === 'volume' && m.source && !(m.source in p.volumes)) {
        report(at('volumes', i), `Named volume "${m.source}:${m.target}" is used in service "${name}" but no declaration was found in the volumes section.`);
      }
    });
    for (const [kind, refs, defs] of [
      ['secret', s.secrets, p.secrets],
      ['config', s.configs, p.configs],
    ] as const) {
      (refs ?? []).forEach((r, i) => {
        if (!(r.source in defs)) report(at(`${kind}s`, i), `Service "${name}" uses an undefined ${kind} "${r.source}"`);
      });
    }
    const nm = s.network_mode;
    if (nm?.startsWith('service:') && !all.has(nm.slice(8))) {
      report(at('network_mode'), `Service '${name}' uses the network stack of service '${nm.slice(8)}' which is undefined.`);
    }
    for (const vf of s.volumes_from ?? []) {
      const src = vf.startsWith('container:') ? undefined : vf.replace(/^service:/, '').split(':')[0];
      if (src !== undefined && !all.has(src)) report(at('volumes_from'), `Service "${name}" mounts volumes from "${src}", which is not the name of a service or container.`);
    }
    if (!s.image && /[A-Z]/.test(name)) {
      report(at(), `Service '${name}' contains uppercase characters which are not valid as part of an image name. Either use a lowercase service name or use the \`image\` field to set a custom name for the service image.`);
    }
    if (s.container_name && replicas(s) > 1) {
      report(at('container_name'), `services.${name}: container_name "${s.container_name}" cannot be used with more than one replica (${replicas(s)}): container names must be unique`);
    }
    if (s.deploy?.mode === 'global' && s.deploy.replicas !== undefined) {
      report(at('deploy', 'replicas'), `services.${name}.deploy: replicas cannot be used with mode global`);
    }
  }
  const cycle = findCycle(p.services);
  if (cycle) report(['services', cycle[0]], `Circular dependency between ${cycle.slice(0, -1).join(' and ')}`);
}

export function replicas(s: ServiceDef): number {
  return s.deploy?.replicas ?? s.scale ?? 1;
}
