import { FlotillaError, isTerminal, type Config, type Secret, type ServiceSpec, type Task } from '@flotilla/contracts';
import type { StateView } from '@flotilla/state';

/**
 * A service may reference only secrets and configs that exist, by their id and
 * current name, each at its own file target: swarmkit's checks, in its words.
 */
export function validateSecretRefs(spec: ServiceSpec, view: StateView): void {
  const cs = spec.TaskTemplate.ContainerSpec;
  const bad = (m: string) => new FlotillaError('invalid_argument', `rpc error: code = InvalidArgument desc = ${m}`);
  const check = (kind: 'secret' | 'config', refs: { id: string; name: string; file?: { Name?: string } }[]) => {
    const targets = new Map<string, string>();
    const missing: string[] = [];
    for (const r of refs) {
      if (typeof r.id !== 'string' || typeof r.name !== 'string' || !r.name) throw bad(`malformed ${kind} reference`);
      if (!r.file || typeof r.file.Name !== 'string' || !r.file.Name) throw bad(`malformed file ${kind} reference`);
      const prev = targets.get(r.file.Name);
      if (prev !== undefined) throw bad(`${kind} references '${prev}' and '${r.name}' have a conflicting target: '${r.file.Name}'`);
      targets.set(r.file.Name, r.name);
      const obj = (kind === 'secret' ? view.secrets : view.configs).get(r.id);
      if (!obj || obj.Spec.Name !== r.name) missing.push(r.name);
    }
    if (missing.length) throw bad(`${kind}${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}`);
  };
  if (cs.Secrets !== undefined && !Array.isArray(cs.Secrets)) throw bad('malformed secret reference');
  if (cs.Configs !== undefined && !Array.isArray(cs.Configs)) throw bad('malformed config reference');
  check('secret', (cs.Secrets ?? []).map((r) => ({ id: r?.SecretID, name: r?.SecretName, file: r?.File })));
  check('config', (cs.Configs ?? []).filter((r) => !r?.Runtime).map((r) => ({ id: r?.ConfigID, name: r?.ConfigName, file: r?.File })));
}

/**
 * The secrets and configs `tasks` reference, and only those: a node is sent
 * what its own tasks mount, never the rest of the cluster's secrets.
 */
export function referencedBy(tasks: readonly Task[], view: StateView): { secrets: Secret[]; configs: Config[] } {
  const secrets = new Map<string, Secret>();
  const configs = new Map<string, Config>();
  for (const t of tasks) {
    if (isTerminal(t.DesiredState)) continue;
    for (const r of t.Spec.ContainerSpec.Secrets ?? []) {
      const s = view.secrets.get(r.SecretID);
      if (s) secrets.set(s.ID, s);
    }
    for (const r of t.Spec.ContainerSpec.Configs ?? []) {
      const c = view.configs.get(r.ConfigID);
      if (c) configs.set(c.ID, c);
    }
  }
  return { secrets: [...secrets.values()], configs: [...configs.values()] };
}
