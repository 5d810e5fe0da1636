import type { ServiceSpec } from '@flotilla/contracts';
import { UPDATE_DEFAULTS } from '@flotilla/scheduling';

const SECOND = 1_000_000_000;

/**
 * `GET /services/{id}?insertDefaults=true` (what `service inspect` asks for):
 * the spec with swarmkit's defaults filled in where the user gave none. Only a
 * view: the stored spec stays as sent, so `service update` round-trips it.
 */
export function withDefaults(spec: ServiceSpec): ServiceSpec {
  const tt = spec.TaskTemplate;
  return {
    ...spec,
    TaskTemplate: {
      ...tt,
      ContainerSpec: { StopGracePeriod: 10 * SECOND, ...tt.ContainerSpec },
      RestartPolicy: { Condition: 'any', Delay: 5 * SECOND, MaxAttempts: 0, ...tt.RestartPolicy },
      ForceUpdate: tt.ForceUpdate ?? 0,
      Runtime: tt.Runtime ?? 'container',
    },
    UpdateConfig: { ...UPDATE_DEFAULTS, ...spec.UpdateConfig },
    RollbackConfig: { ...UPDATE_DEFAULTS, ...spec.RollbackConfig },
    EndpointSpec: { Mode: 'vip', ...spec.EndpointSpec },
  };
}
