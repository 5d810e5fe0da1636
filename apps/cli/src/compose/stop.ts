import { Command } from 'commander';
import type { ApiClient } from '../client/api-client';
import { connect } from '../client/local-cluster';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { timeoutMs, waitFor } from './wait';
import { liveTasks, rewrite, servicesByName } from './verbs/project-services';
import { containerName } from './container-name';
import { stoppedSpec } from './verbs/stopped';
import { progressLines } from './verbs/verb-format';
import { parseTimeout } from './up/up-options';
import { taskContainers } from './task-containers';
import { nodeEngine } from '../client/node-engine';

/** `compose stop [-t N] [SERVICE...]`: each service kept at 0 replicas, its count remembered for `start`. */
export function stopCommand(): Command {
  const cmd = new Command('stop')
    .description('Stop running containers without removing them (they can be started again with `start`)')
    .argument('[SERVICE...]')
    .option('-t, --timeout <TIMEOUT>', "shutdown timeout in seconds (default: the service's stop_grace_period, as 1.29)");
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const timeout = parseTimeout(cmd.opts<{ timeout?: string }>().timeout);
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    const { client } = await connect({ autostart: false });
    await stopServices(client, project.name, services, timeout);
  });
  return cmd;
}

/** Stops what runs of `services` (all when empty) and waits until their containers are gone. */
export async function stopServices(client: ApiClient, project: string, services: string[], timeout?: number): Promise<void> {
  const state = await client.stack(project);
  const targets = [...servicesByName(state, services)].filter(([, s]) => liveTasks(state, s).length > 0);
  if (targets.length === 0) return;
  const names = targets.flatMap(([n, s]) => liveTasks(state, s).map((t) => containerName(project, n, t.Slot || t.NodeID || '', t.Spec.ContainerSpec.ContainerName)));
  const lines = progressLines('Stopping', names, 'done', !!process.stderr.isTTY);
  process.stderr.write(lines.start);
  for (const [, s] of targets) await rewrite(client, s, stoppedSpec);
  if (timeout !== undefined) {
    // `-t N` reaches every node: each container is also stopped with it through the manager's relay
    // (the worker's own stop uses the stop_grace_period; whichever ends it first wins).
    const named = new Set(targets.map(([n]) => n));
    const running = taskContainers(state, project, { running: true }).filter((c) => named.has(c.service));
    await Promise.all(running.map((c) => nodeEngine(client.baseUrl, c.nodeId).getContainer(c.containerId).stop({ t: timeout }).catch(() => undefined)));
  }
  const ids = new Set(targets.map(([, s]) => s.ID));
  await waitFor(client, project, (st) => ({ done: !st.tasks.some((t) => ids.has(t.ServiceID)) }), timeoutMs(), `project ${project} to stop`);
  process.stderr.write(lines.end);
}
