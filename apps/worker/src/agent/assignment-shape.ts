import type { AssignmentSet } from '@flotilla/contracts';

/**
 * What of a set the clean-up of networks, volumes and secret files and the overlay sync depend on:
 * the set's networks, volumes, mesh and overlay, the networks its live tasks use and the live tasks
 * that carry secret or config files. A plain task coming or going (a scale of fifty) leaves it
 * unchanged, so a busy node does not list the engine's networks and volumes, nor run `ip`, per look.
 */
export function assignmentShape(set: AssignmentSet): string {
  const nets = new Set<string>();
  const withFiles: string[] = [];
  for (const t of set.tasks) {
    if (t.DesiredState === 'remove') continue;
    for (const a of t.Spec.Networks ?? []) nets.add(a.Target);
    const cs = t.Spec.ContainerSpec;
    if (cs.Secrets?.length || cs.Configs?.length) withFiles.push(t.ID);
  }
  return JSON.stringify([set.networks, set.volumes, set.mesh ?? null, set.overlay ?? null, [...nets].sort(), withFiles.sort()]);
}
