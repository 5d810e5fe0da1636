import type { Service, ServiceSpec } from '@flotilla/contracts';

/**
 * A stopped compose service is a swarm service kept at 0 replicas; this label
 * remembers how many it ran, so `start` brings the same number back and `ps`
 * can still list the containers 1.29 would show as exited.
 */
export const REPLICAS_LABEL = 'io.flotilla.compose.replicas';

/** How many containers a stopped service had, or undefined when it is not stopped. */
export function stoppedReplicas(s: Service): number | undefined {
  const v = s.Spec.Labels?.[REPLICAS_LABEL];
  if (v === undefined || !('Replicated' in s.Spec.Mode)) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function runningReplicas(s: Service): number {
  return 'Replicated' in s.Spec.Mode ? (s.Spec.Mode.Replicated.Replicas ?? 1) : 0;
}

/** The spec `stop` writes: 0 replicas, the previous count remembered (kept if already stopped). */
export function stoppedSpec(spec: ServiceSpec): ServiceSpec {
  if (!('Replicated' in spec.Mode)) return spec;
  const was = spec.Labels?.[REPLICAS_LABEL] ?? String(spec.Mode.Replicated.Replicas ?? 1);
  return { ...spec, Labels: { ...spec.Labels, [REPLICAS_LABEL]: was }, Mode: { Replicated: { Replicas: 0 } } };
}

/** The spec `start` writes: the remembered count back, the label gone. */
export function startedSpec(spec: ServiceSpec): ServiceSpec {
  const was = spec.Labels?.[REPLICAS_LABEL];
  if (was === undefined || !('Replicated' in spec.Mode)) return spec;
  const { [REPLICAS_LABEL]: _gone, ...labels } = spec.Labels ?? {};
  return { ...spec, Labels: labels, Mode: { Replicated: { Replicas: Number(was) } } };
}

/** The spec `scale` writes: N replicas, running (scaling a stopped service starts it, as 1.29's scale does). */
export function scaledSpec(spec: ServiceSpec, n: number): ServiceSpec {
  const { [REPLICAS_LABEL]: _gone, ...labels } = spec.Labels ?? {};
  return { ...spec, Labels: labels, Mode: { Replicated: { Replicas: n } } };
}
