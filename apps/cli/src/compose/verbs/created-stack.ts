import type { ServiceSpec, StackDeployRequest, StackState } from '@flotilla/contracts';
import { REPLICAS_LABEL, stoppedSpec } from './stopped';

/**
 * What `create` deploys: new services stopped (0 replicas, their count
 * remembered), services already deployed left at their current count, so
 * `create` never stops what runs.
 */
export function createdStack(req: StackDeployRequest, deployed: StackState): StackDeployRequest {
  const current = new Map(deployed.services.map((s) => [s.Spec.Name, s.Spec]));
  return { ...req, services: req.services.map((s) => keepOrStop(s, current.get(s.Name))) };
}

function keepOrStop(spec: ServiceSpec, cur: ServiceSpec | undefined): ServiceSpec {
  if (!cur) return stoppedSpec(spec);
  const remembered = cur.Labels?.[REPLICAS_LABEL];
  return { ...spec, Mode: cur.Mode, Labels: remembered === undefined ? spec.Labels : { ...spec.Labels, [REPLICAS_LABEL]: remembered } };
}
