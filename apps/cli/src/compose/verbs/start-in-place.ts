import type { ApiClient } from '../../client/api-client';
import { nodeEngine } from '../../client/node-engine';
import { CliError } from '../../errors';
import type { TaskContainer } from '../task-containers';
import { timeoutMs } from '../wait';
import { runsAgain } from './restarted';

/**
 * Starts ended task containers again in place, as 1.29's `start` and `up` start a stopped container
 * (same ID): through the relay, so the node's worker knows and its task runs again (libs/state's
 * revivesInPlace). Returns the tasks whose container could not be started (gone from its engine, or a
 * task no longer wanted running: the relay refuses it): those get a new task in their slot instead.
 */
export async function startInPlace(client: ApiClient, project: string, containers: readonly TaskContainer[]): Promise<string[]> {
  const refused: string[] = [];
  await Promise.all(
    containers.map(async (c) => {
      try {
        await nodeEngine(client.baseUrl, c.nodeId).getContainer(c.containerId).start();
      } catch (e) {
        // 304: started meanwhile (a restart policy, another client): it runs, as asked.
        if ((e as { statusCode?: number }).statusCode !== 304) {
          refused.push(c.taskId);
          return;
        }
      }
      await untilRunning(client, project, c);
    }),
  );
  return refused;
}

/**
 * Resolves once the manager shows the container's task running again, or the container has ended
 * again on its own (a command that exits at once: 1.29 says `done` for it too).
 */
export async function untilRunning(client: ApiClient, project: string, c: TaskContainer): Promise<void> {
  const engine = nodeEngine(client.baseUrl, c.nodeId);
  const deadline = Date.now() + timeoutMs();
  for (let delay = 50; ; delay = Math.min(delay * 2, 200)) {
    if (runsAgain(await client.stack(project), c)) return;
    const info = await engine.getContainer(c.containerId).inspect().catch(() => undefined);
    if (!info?.State.Running) return;
    if (Date.now() > deadline) throw new CliError(`timed out after ${Math.round(timeoutMs() / 1000)} s waiting for ${c.name} to run again`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
