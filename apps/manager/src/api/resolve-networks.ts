import { FlotillaError, type ServiceSpec } from '@flotilla/contracts';
import type { StateView } from '@flotilla/state';

/**
 * Network targets may arrive as names (or as ids of networks created in the
 * same proposal, `pending`); the store keeps ids, as Docker does.
 */
export function resolveNetworks(spec: ServiceSpec, view: StateView, pending: ReadonlyMap<string, string> = new Map()): ServiceSpec {
  const nets = spec.TaskTemplate.Networks;
  if (!nets?.length) return spec;
  return {
    ...spec,
    TaskTemplate: {
      ...spec.TaskTemplate,
      Networks: nets.map((n) => {
        const id = pending.get(n.Target) ?? (view.networks.has(n.Target) ? n.Target : view.idByName('network', n.Target));
        if (!id) throw new FlotillaError('not_found', `network ${n.Target} not found`);
        return { ...n, Target: id };
      }),
    },
  };
}
