import { Command } from 'commander';
import type { Service, ServiceSpec } from '@flotilla/contracts';
import { dockerApi } from '../client/connect-api';
import { CliError } from '../errors';
import { addSpecFlags, applySpecFlags, type SpecFlags } from './spec-flags';
import { progressWriter } from '../progress/progress-writer';
import { watchService } from '../progress/watch-service';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The spec `service update` sends: the current one with the flags applied (pure). */
export function applyUpdateFlags(
  spec: ServiceSpec,
  o: { image?: string; replicas?: string; envAdd?: string[]; envRm?: string[]; force?: boolean },
): ServiceSpec {
  const cs = { ...spec.TaskTemplate.ContainerSpec };
  if (o.image) cs.Image = o.image;
  if (o.envAdd?.length || o.envRm?.length) {
    const keyOf = (e: string) => e.split('=')[0];
    const drop = new Set([...(o.envRm ?? []), ...(o.envAdd ?? []).map(keyOf)]);
    cs.Env = [...(cs.Env ?? []).filter((e) => !drop.has(keyOf(e))), ...(o.envAdd ?? [])];
  }
  let mode = spec.Mode;
  if (o.replicas !== undefined) {
    if (!/^\d+$/.test(o.replicas)) throw new CliError(`invalid argument "${o.replicas}" for "--replicas" flag`);
    if (!('Replicated' in mode)) throw new CliError('replicas can only be used with replicated or replicated-job mode');
    mode = { Replicated: { Replicas: Number(o.replicas) } };
  }
  const tt = { ...spec.TaskTemplate, ContainerSpec: cs };
  if (o.force) tt.ForceUpdate = (tt.ForceUpdate ?? 0) + 1;
  return { ...spec, TaskTemplate: tt, Mode: mode };
}

/**
 * Waits, like docker without --detach, until every running task has the service's current spec;
 * a paused update or rollback fails, an automatic rollback is announced and followed (docker's
 * progress.go rules).
 */
async function converged(api: Awaited<ReturnType<typeof dockerApi>>, id: string, ref: string, quiet: boolean) {
  let rollback = false;
  const check = (s: Service) => {
    const st = s.UpdateStatus;
    if (st?.State === 'paused') throw new CliError(`service update paused: ${st.Message ?? ''}`);
    if (st?.State === 'rollback_paused') throw new CliError(`service rollback paused: ${st.Message ?? ''}`);
    if (st?.State === 'rollback_started' && !rollback) {
      rollback = true;
      process.stderr.write(`rollback: ${st.Message ?? ''}\n`);
    }
    if (st?.State === 'rollback_completed' && rollback) throw new CliError(`service rolled back: ${st.Message ?? ''}`);
  };
  await watchService(api, id, { writer: progressWriter(quiet), ref, upToDate: true, check });
}

/** `flotilla service update [--image I] [--replicas N] [--env-add K=V] [--env-rm K] [--force] [-d] SERVICE`. */
export function serviceUpdateCommand(): Command {
  const cmd = new Command('update')
    .description('Update a service')
    .argument('<SERVICE>')
    .option('--image <IMAGE>', 'service image tag')
    .option('--replicas <N>', 'number of tasks')
    .option('--env-add <K=V>', 'add or update an environment variable', collect)
    .option('--env-rm <K>', 'remove an environment variable', collect)
    .option('--force', 'force update even if no changes require it')
    .option('--rollback', 'rollback to previous specification')
    .option('-d, --detach', 'exit immediately instead of waiting for the service to converge')
    .option('-q, --quiet', 'suppress progress output')
    .action(async (ref: string) => {
      const o = cmd.opts<SpecFlags & { image?: string; replicas?: string; envAdd?: string[]; envRm?: string[]; force?: boolean; rollback?: boolean; detach?: boolean; quiet?: boolean }>();
      const api = await dockerApi();
      const s = await api.service(ref);
      if (o.rollback) await api.updateService(s.ID, s.Version.Index, s.Spec, true);
      else await api.updateService(s.ID, s.Version.Index, applySpecFlags(applyUpdateFlags(s.Spec, o), o));
      process.stdout.write(`${ref}\n`);
      if (!o.detach) await converged(api, s.ID, ref, !!o.quiet);
    });
  return addSpecFlags(cmd);
}

/** `flotilla service rollback [-d] SERVICE`: back to the spec before the last update. */
export function serviceRollbackCommand(): Command {
  const cmd = new Command('rollback')
    .description('Revert changes to a service\'s configuration')
    .argument('<SERVICE>')
    .option('-d, --detach', 'exit immediately instead of waiting for the service to converge')
    .option('-q, --quiet', 'suppress progress output')
    .action(async (ref: string) => {
      const api = await dockerApi();
      const s = await api.service(ref);
      await api.updateService(s.ID, s.Version.Index, s.Spec, true);
      process.stdout.write(`${ref}\n`);
      const o = cmd.opts<{ detach?: boolean; quiet?: boolean }>();
      if (!o.detach) await converged(api, s.ID, ref, !!o.quiet);
    });
  return cmd;
}
