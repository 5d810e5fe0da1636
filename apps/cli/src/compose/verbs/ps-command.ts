import type { Task } from '@flotilla/contracts';
import { shortenCommand } from '../../format/table';

/** The Command column: what the container runs (as reported), else what its spec asks. */
export function command(t: Pick<Task, 'Spec' | 'Status'>): string {
  const cs = t.Spec.ContainerSpec;
  return shortenCommand(t.Status.ContainerStatus?.Command ?? [...(cs.Command ?? []), ...(cs.Args ?? [])].join(' '));
}
