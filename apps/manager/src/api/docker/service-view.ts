import { isTerminal, type Service, type ServiceSpec, type UpdateConfig } from '@flotilla/contracts';
import type { StateView } from '@flotilla/state';
import { sameSpec } from '@flotilla/scheduling';

const SECOND = 1_000_000_000;
const UPDATE_DEFAULTS: Required<Pick<UpdateConfig, 'Parallelism' | 'FailureAction' | 'Monitor' | 'MaxFailureRatio' | 'Order'>> = {
  Parallelism: 1,
  FailureAction: 'pause',
  Monitor: 5 * SECOND,
  MaxFailureRatio: 0,
  Order: 'stop-first',
};

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

/**
 * An update (or rollback) is recorded as started when it is written; it is
 * complete once every task the service still wants runs the current spec.
 * Derived at read time, so no control loop has to write it back.
 */
export function withUpdateStatus(s: Service, view: StateView): Service {
  const st = s.UpdateStatus;
  if (!st || (st.State !== 'updating' && st.State !== 'rollback_started')) return s;
  const live = view.tasksOfService(s.ID).filter((t) => t.DesiredState === 'running' && !isTerminal(t.Status.State));
  const done = live.every((t) => sameSpec(t, s) && t.Status.State === 'running');
  if (!done) return s;
  const rollback = st.State === 'rollback_started';
  return {
    ...s,
    UpdateStatus: { ...st, State: rollback ? 'rollback_completed' : 'completed', Message: rollback ? 'rollback completed' : 'update completed' },
  };
}
