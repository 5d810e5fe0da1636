import type { Service, UpdateConfig } from '@flotilla/contracts';

const SECOND = 1e9;

/** swarmkit's defaults for UpdateConfig and RollbackConfig alike (what `insertDefaults` shows). */
export const UPDATE_DEFAULTS: Required<Pick<UpdateConfig, 'Parallelism' | 'FailureAction' | 'Monitor' | 'MaxFailureRatio' | 'Order'>> = {
  Parallelism: 1,
  FailureAction: 'pause',
  Monitor: 5 * SECOND,
  MaxFailureRatio: 0,
  Order: 'stop-first',
};

export type EffectiveUpdateConfig = Required<UpdateConfig>;

/** A rollback paces itself by RollbackConfig, everything else by UpdateConfig. */
export function isRollingBack(svc: Service): boolean {
  const st = svc.UpdateStatus?.State;
  return st === 'rollback_started' || st === 'rollback_paused';
}

/** The config that paces the service's tasks now, swarmkit's defaults filled in. */
export function activeUpdateConfig(svc: Service): EffectiveUpdateConfig {
  const cfg = isRollingBack(svc) ? svc.Spec.RollbackConfig : svc.Spec.UpdateConfig;
  return { Delay: 0, ...UPDATE_DEFAULTS, ...definedOnly(cfg) };
}

/** A paused update (or rollback) replaces no more stale tasks until the user acts. */
export function isUpdatePaused(svc: Service): boolean {
  const st = svc.UpdateStatus?.State;
  return st === 'paused' || st === 'rollback_paused';
}

function definedOnly(cfg: UpdateConfig | undefined): Partial<UpdateConfig> {
  const out: Partial<UpdateConfig> = {};
  if (!cfg) return out;
  for (const [k, v] of Object.entries(cfg)) if (v !== undefined && v !== null) (out as Record<string, unknown>)[k] = v;
  return out;
}
