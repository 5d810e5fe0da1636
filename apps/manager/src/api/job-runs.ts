import { isJobMode, type Service, type ServiceSpec } from '@flotilla/contracts';

/** swarmkit stores a replicated job's counts filled in (MaxConcurrent 1, TotalCompletions = MaxConcurrent); docker's CLI reads them. */
export function withJobDefaults(spec: ServiceSpec): ServiceSpec {
  if (!('ReplicatedJob' in spec.Mode)) return spec;
  const max = spec.Mode.ReplicatedJob?.MaxConcurrent || 1;
  return { ...spec, Mode: { ReplicatedJob: { MaxConcurrent: max, TotalCompletions: spec.Mode.ReplicatedJob?.TotalCompletions || max } } };
}

/** A job's first run starts with the service (iteration 0); any later update starts the next one, as swarmkit counts them. */
export function jobRun(spec: ServiceSpec, cur: Service | undefined, at: string): Pick<Service, 'JobStatus'> {
  if (!isJobMode(spec.Mode)) return {};
  const index = cur ? (cur.JobStatus?.JobIteration.Index ?? 0) + 1 : 0;
  return { JobStatus: { JobIteration: { Index: index }, LastExecution: at } };
}
