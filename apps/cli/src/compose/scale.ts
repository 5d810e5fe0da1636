import { Command } from 'commander';
import type { ComposeProject } from '@flotilla/compose';
import { composeStack } from './compose-stack';
import { builtImageIds } from './built-image-ids';
import type { StackDeployRequest } from '@flotilla/contracts';
import { connect } from '../client/local-cluster';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { convergence } from './task-view';
import { timeoutMs, waitFor } from './wait';
import { liveTasks, rewrite, servicesByName } from './verbs/project-services';
import { containerName } from './container-name';
import { scaleWarnings } from './verbs/scale-warnings';
import { failureReason, scaleFailure } from './verbs/start-failure';
import { scaledSpec } from './verbs/stopped';
import { logLine, parseScaleArgs, progressLines, ScaleArgError } from './verbs/verb-format';

/** `compose scale SERVICE=NUM...` (deprecated in 1.29, still there): sets each service's replica count. */
export function scaleCommand(): Command {
  const cmd = new Command('scale')
    .description('Set number of containers for a service (deprecated: use `up --scale`)')
    .argument('[SERVICE=NUM...]')
    .option('-t, --timeout <TIMEOUT>', "shutdown timeout in seconds; flotilla stops with the service's stop_grace_period", '10');
  addProjectOptions(cmd);
  cmd.action(async (args: string[]) => {
    const project = load(projectOptions(cmd));
    const ansi = !!process.stderr.isTTY;
    process.stderr.write(logLine('warning', 'The scale command is deprecated. Use the up command with the --scale flag instead.', ansi));
    let wanted: { service: string; n: number }[];
    try {
      wanted = parseScaleArgs(args);
    } catch (e) {
      if (e instanceof ScaleArgError) throw new CliError(e.message);
      throw e;
    }
    const { client } = await connect({ autostart: false });
    for (const { service, n } of wanted) {
      checkServices(project, [service]);
      const state = await client.stack(project.name);
      const s = servicesByName(state, [service]).get(service);
      if (s && !('Replicated' in s.Spec.Mode)) throw new CliError(`Service ${service} runs one container per node; it cannot be scaled`);
      const have = s ? liveTasks(state, s).map((t) => t.Slot ?? 0) : [];
      const added = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !have.includes(i));
      const removed = have.filter((i) => i > n).sort((a, b) => a - b);
      for (const w of scaleWarnings(project.services[service], n)) process.stderr.write(logLine('warning', w, ansi));
      if (added.length === 0 && removed.length === 0) {
        // 1.29 counts running containers; a count asked before (a third that failed to start) still goes.
        process.stderr.write('Desired container number already achieved\n');
        if (s && 'Replicated' in s.Spec.Mode && s.Spec.Mode.Replicated.Replicas !== n) await rewrite(client, s, (spec) => scaledSpec(spec, n));
        continue;
      }
      const custom = project.services[service].container_name;
      const creating = added.map((i) => ({ name: containerName(project.name, service, i, custom), slot: i }));
      const up = progressLines('Creating', creating.map((c) => c.name), 'done', ansi);
      const down = progressLines('Stopping and removing', removed.map((i) => containerName(project.name, service, i, custom)), 'done', ansi);
      process.stderr.write(up.start + down.start);
      // A service not deployed (never up, or removed by `rm`) is deployed alone, as 1.29 creates its containers.
      if (s) await rewrite(client, s, (spec) => scaledSpec(spec, n));
      else await client.deployStack(project.name, { ...(await oneService(project, service, n)), prune: false });
      const only = new Set([service]);
      await waitFor(
        client,
        project.name,
        (st) => {
          const c = convergence(st, only);
          const svc = servicesByName(st, [service]).get(service);
          const live = svc ? liveTasks(st, svc).length : 0;
          if (c.failure) {
            const runs = new Set(svc ? liveTasks(st, svc).filter((t) => t.Status.State === 'running').map((t) => t.Slot ?? 0) : []);
            process.stderr.write(scaleFailure(creating, runs, c.failure, ansi));
            return { done: false, fail: failureReason(c.failure) };
          }
          return { done: c.running >= n && live <= n };
        },
        timeoutMs(),
        `service ${service} to scale`,
      );
      process.stderr.write(up.end + down.end);
    }
  });
  return cmd;
}

async function oneService(project: ComposeProject, service: string, n: number): Promise<StackDeployRequest> {
  // With its built image's ID, as `up` deploys it (see builtImageIds).
  const stack = composeStack(project, { scale: { [service]: n }, imageIds: await builtImageIds(project) });
  return { ...stack, services: stack.services.filter((x) => x.Labels?.['com.docker.compose.service'] === service) };
}
