import type { Service, Task } from '@flotilla/contracts';
import type { DockerApi } from '../client/docker-api';
import { CliError } from '../errors';
import { finalLine, globalFrame, jobFrame, replicatedFrame, type ProgressFrame } from './service-progress';
import type { ProgressWriter } from './progress-writer';

export interface WatchOptions {
  readonly writer: ProgressWriter;
  /** How the user named the service: `verify: Service <ref> converged`. */
  readonly ref: string;
  /** Only tasks of the service's current spec count (an update or rollback). */
  readonly upToDate?: boolean;
  /** Called with each look at the service; throws to stop waiting (a paused update). */
  readonly check?: (s: Service) => void;
}

/** The frame for a service and the tasks it counts on now (pure). */
export function frameOf(s: Service, tasks: readonly Task[]): ProgressFrame {
  const m = s.Spec.Mode;
  const live = tasks.filter((t) => t.DesiredState !== 'shutdown' && t.DesiredState !== 'remove');
  if ('ReplicatedJob' in m) {
    const total = m.ReplicatedJob.TotalCompletions || m.ReplicatedJob.MaxConcurrent || 1;
    return jobFrame(total, m.ReplicatedJob.MaxConcurrent || total, live);
  }
  const desired = s.ServiceStatus?.DesiredTasks ?? 0;
  if ('GlobalJob' in m) {
    const f = globalFrame(desired, live);
    return { ...f, done: desired === 0 && (s.ServiceStatus?.CompletedTasks ?? 0) > 0 };
  }
  if ('Global' in m) return globalFrame(desired, live);
  return replicatedFrame(m.Replicated.Replicas ?? 1, live);
}

/**
 * Waits, like docker without --detach, until the service converges (a job: completes),
 * showing its progress; a task that fails with an error ends the wait with it.
 */
export async function watchService(api: DockerApi, id: string, o: WatchOptions): Promise<void> {
  const deadline = Date.now() + Number(process.env.FLOTILLA_WAIT_TIMEOUT ?? 300) * 1000;
  let first = true;
  for (;;) {
    const [s] = await api.services({ id: [id] }, true);
    if (!s) throw new CliError(`service ${o.ref} not found`);
    o.check?.(s);
    const tasks = await api.tasks({ service: [id], ...(o.upToDate ? { '_up-to-date': ['true'] } : {}) });
    // docker's first frame has every slot empty: piped, those are the lines it prints.
    if (first) o.writer.update(frameOf(s, []));
    first = false;
    const frame = frameOf(s, tasks);
    o.writer.update(frame);
    if (frame.done) {
      o.writer.end(finalLine('ReplicatedJob' in s.Spec.Mode || 'GlobalJob' in s.Spec.Mode ? 'job' : 'service', o.ref));
      return;
    }
    const failing = tasks.find((t) => t.DesiredState === 'running' && t.Status.Err && (t.Status.State === 'rejected' || t.Status.State === 'failed'));
    if (failing) throw new CliError(`task ${failing.ID.slice(0, 12)}: ${failing.Status.Err}`);
    if (Date.now() > deadline) throw new CliError(`service ${s.Spec.Name} did not converge in time`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
