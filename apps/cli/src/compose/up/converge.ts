import type { Service, ServiceSpec, StackDeployRequest } from '@flotilla/contracts';

/** 1.29's ConvergenceStrategy: recreate what changed, everything (--force-recreate), or nothing (--no-recreate). */
export type Strategy = 'changed' | 'always' | 'never';

/**
 * Rewrites the specs `up` deploys so the manager's "changed or not" answers the strategy:
 * - always: existing services get ForceUpdate+1 (Swarm's `service update --force`), so every task is replaced;
 * - never: existing services keep the spec they run (only their replica count follows --scale);
 * - changed: existing services keep their ForceUpdate, so an earlier --force-recreate alone is no change.
 * Services that do not exist yet are created as given, whatever the strategy.
 */
export function applyStrategy(req: StackDeployRequest, existing: readonly Service[], strategy: Strategy): StackDeployRequest {
  const byName = new Map(existing.map((s) => [s.Spec.Name, s]));
  const services = req.services.map((spec): ServiceSpec => {
    const cur = byName.get(spec.Name);
    if (!cur) return spec;
    const force = cur.Spec.TaskTemplate.ForceUpdate;
    if (strategy === 'never') return { ...cur.Spec, Mode: spec.Mode };
    if (strategy === 'always') return { ...spec, TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: (force ?? 0) + 1 } };
    return force === undefined ? spec : { ...spec, TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: force } };
  });
  return { ...req, services };
}
