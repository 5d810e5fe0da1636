import { Histogram, type Registry } from 'prom-client';
import type { TaskReport } from '@flotilla/contracts';
import type { DockerAdapter } from '../docker/docker.adapter';
import { timedCalls } from './timed-calls';
import { timeTaskStarts } from './task-start-timer';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The adapter's methods that are one call (or a few) to the engine. */
const ENGINE_CALLS = [
  'ping',
  'listTaskContainers',
  'inspect',
  'imageExists',
  'create',
  'connect',
  'start',
  'stop',
  'remove',
  'listManagedNetworks',
  'findNetwork',
  'createNetwork',
  'removeNetwork',
  'listManagedVolumes',
  'createVolume',
  'removeVolume',
] as const satisfies readonly (keyof DockerAdapter)[];

/**
 * A worker's own figures, registered in the registry it is given: its
 * manager's when embedded (they appear in that manager's /metrics), its own
 * when standalone (served on --metrics-addr).
 */
export class WorkerMetrics {
  private readonly engineCalls: Histogram<'call' | 'outcome'>;
  private readonly taskStarts: Histogram;

  constructor(readonly registry: Registry) {
    this.engineCalls = new Histogram({
      name: 'flotilla_worker_engine_call_duration_seconds',
      help: 'Docker engine calls made by this node\'s worker, by adapter call and outcome.',
      labelNames: ['call', 'outcome'],
      buckets: BUCKETS,
      registers: [registry],
    });
    this.taskStarts = new Histogram({
      name: 'flotilla_worker_task_start_duration_seconds',
      help: 'From a task\'s preparation on this node to its container started (image check, create, start).',
      buckets: BUCKETS,
      registers: [registry],
    });
  }

  /** The adapter with its engine calls timed. */
  instrument(adapter: DockerAdapter): DockerAdapter {
    return timedCalls(adapter, ENGINE_CALLS, (call, outcome, s) => this.engineCalls.observe({ call, outcome }, s));
  }

  /** The runner's report callback, timing each task's start on the way. */
  timeStarts(report: (r: TaskReport) => void): (r: TaskReport) => void {
    return timeTaskStarts(report, () => performance.now(), (s) => this.taskStarts.observe(s));
  }
}
