import type { ApiClient, StackState } from '../../client/api-client';
import { DockerApi } from '../../client/docker-api';
import { nodeEngine } from '../../client/node-engine';
import type { LocalEngine } from '../engine.adapter';
import { composeService } from '../task-view';
import { timeoutMs, waitFor } from '../wait';
import { attachedContainers, type AttachedContainer } from './exits';
import type { Io } from './io';

const ENDED = new Set(['complete', 'failed', 'shutdown', 'rejected', 'orphaned']);

/** The containers a stop acts on: running ones of the given services (all when none is named). */
export function runningContainers(project: string, state: StackState, services?: readonly string[]): AttachedContainer[] {
  const names = services ?? state.services.map(composeService);
  const live = new Set(state.tasks.filter((t) => !ENDED.has(t.Status.State)).map((t) => t.ID));
  return attachedContainers(project, state, names).filter((c) => live.has(c.taskId));
}

/** `Stopping web_1 ... `: names padded to the longest, as 1.29's parallel writer lines them up. */
export function progressLines(verb: string, names: readonly string[], suffix: string): string {
  const w = Math.max(0, ...names.map((n) => n.length));
  return names.map((n) => `${verb} ${n.padEnd(w)} ... ${suffix}\n`).join('');
}

/**
 * 1.29's `project.stop` at the end of an attached `up`. A flotilla service cannot be stopped and kept,
 * so its tasks are removed with it (as `down` does, networks aside when services are named);
 * `-t N` stops every node's containers with that timeout while the cluster removes them.
 */
export async function stopProject(
  client: ApiClient,
  o: { project: string; services?: string[]; timeout?: number },
  io: Pick<Io, 'err'>,
  onState: (s: StackState) => void,
): Promise<void> {
  const state = await client.stack(o.project);
  onState(state);
  const targets = runningContainers(o.project, state, o.services);
  const names = targets.map((c) => c.name);
  io.err(progressLines('Stopping', names, ''));
  if (o.services) {
    const api = new DockerApi(client.baseUrl);
    for (const s of o.services) await api.removeService(`${o.project}_${s}`).catch(() => undefined);
  } else {
    await client.removeStack(o.project, false);
  }
  if (o.timeout !== undefined) {
    // Every node's containers, through the manager's relay: `-t` reaches the whole cluster.
    const byTask = new Map(state.tasks.map((t) => [t.ID, t]));
    await Promise.all(
      targets.map((c) => {
        const t = byTask.get(c.taskId);
        const cid = t?.Status.ContainerStatus?.ContainerID;
        return t?.NodeID && cid ? nodeEngine(client.baseUrl, t.NodeID).getContainer(cid).stop({ t: o.timeout }).catch(() => undefined) : undefined;
      }),
    );
  }
  const ids = new Set(targets.map((c) => c.taskId));
  await waitFor(
    client,
    o.project,
    (s) => {
      onState(s);
      return { done: !s.tasks.some((t) => ids.has(t.ID)) };
    },
    timeoutMs(),
    `project ${o.project} to stop`,
  );
  io.err(progressLines('Stopping', names, 'done'));
}

/** The second Ctrl+C: SIGKILL what still runs on this node; the cluster finishes removing the rest. */
export async function killProject(engine: LocalEngine, watched: AttachedContainer[], io: Pick<Io, 'err'>): Promise<void> {
  const local = await engine.containersOf(new Set(watched.map((c) => c.taskId)));
  const targets = watched.filter((c) => local.has(c.taskId));
  const names = targets.map((c) => c.name);
  io.err(progressLines('Killing', names, ''));
  await Promise.all(targets.map((c) => engine.kill(local.get(c.taskId)!)));
  io.err(progressLines('Killing', names, 'done'));
}
