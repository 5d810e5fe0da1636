import { Command, Option } from 'commander';
import type { PortConfig, ServiceSpec } from '@flotilla/contracts';
import { dockerApi } from '../client/connect-api';
import { CliError } from '../errors';
import { serviceTable, taskTable } from '../format/swarm-format';
import { serviceLogsCommand } from './logs.command';
import { serviceRollbackCommand, serviceUpdateCommand } from './update.command';
import { addSpecFlags, applySpecFlags } from './spec-flags';
import { progressWriter } from '../progress/progress-writer';
import { watchService } from '../progress/watch-service';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `flotilla service create|ls|ps|inspect|scale|rm|logs|update|rollback`, with docker's flags and output. */
export function serviceCommand(): Command {
  // The command after IMAGE is the container's: its flags are not flotilla's (`sh -c ...`).
  const svc = new Command('service').description('Manage services').enablePositionalOptions();

  const create = new Command('create')
    .description('Create a new service')
    .argument('<IMAGE>')
    .argument('[COMMAND...]')
    .option('--name <NAME>', 'service name')
    .option('--replicas <N>', 'number of tasks')
    .addOption(new Option('--mode <MODE>', 'service mode').choices(['replicated', 'global', 'replicated-job', 'global-job']).default('replicated'))
    .option('--max-concurrent <N>', 'number of job tasks to run concurrently (default equal to --replicas)')
    .option('-e, --env <K=V>', 'set environment variables', collect)
    .option('-l, --label <K=V>', 'service labels', collect)
    .option('--container-label <K=V>', 'container labels', collect)
    .option('-p, --publish <PUB:TARGET[/PROTO]>', 'publish a port as a node port', collect)
    .option('--constraint <EXPR>', 'placement constraints', collect)
    .option('--network <NETWORK>', 'network attachments', collect)
    .option('--max-replicas-per-node <N>', 'maximum number of tasks per node')
    .option('--reserve-cpu <CPUS>', 'reserve CPUs')
    .option('--reserve-memory <BYTES>', 'reserve memory')
    .option('--limit-cpu <CPUS>', 'limit CPUs')
    .option('--limit-memory <BYTES>', 'limit memory')
    .addOption(new Option('--restart-condition <C>').choices(['none', 'on-failure', 'any']))
    .option('--restart-max-attempts <N>')
    .option('-d, --detach', 'exit immediately instead of waiting for the service to converge')
    .option('-q, --quiet', 'suppress progress output');
  addSpecFlags(create)
    .passThroughOptions()
    .action(async (image: string, args: string[]) => {
      const o = create.opts<Record<string, string | string[] | boolean | undefined>>();
      const spec = applySpecFlags(specFrom(image, args, o), o);
      const api = await dockerApi();
      const { ID } = await api.createService(spec);
      process.stdout.write(`${ID}\n`);
      // docker names a service it created by its id in `verify: Service … converged`.
      if (!o.detach) await watchService(api, ID, { writer: progressWriter(!!o.quiet), ref: ID });
    });

  const ls = new Command('ls')
    .alias('list')
    .description('List services')
    .option('-q, --quiet', 'only display IDs')
    .option('-f, --filter <K=V>', 'filter output', collect)
    .action(async () => {
      const o = ls.opts<{ quiet?: boolean; filter?: string[] }>();
      const api = await dockerApi();
      process.stdout.write(serviceTable(await api.services(filters(o.filter), true), o));
    });

  const ps = new Command('ps')
    .description('List the tasks of one or more services')
    .argument('<SERVICE...>')
    .option('-q, --quiet', 'only display task IDs')
    .option('--no-trunc', 'do not truncate output')
    .action(async (refs: string[]) => {
      const o = ps.opts<{ quiet?: boolean; trunc: boolean }>();
      const api = await dockerApi();
      const services = await Promise.all(refs.map((r) => api.service(r)));
      const tasks = (await Promise.all(services.map((s) => api.tasks({ service: [s.ID] })))).flat();
      const nodes = new Map((await api.nodes()).map((n) => [n.ID, n]));
      process.stdout.write(taskTable(tasks, new Map(services.map((s) => [s.ID, s])), nodes, Date.now(), { quiet: o.quiet, noTrunc: !o.trunc }));
    });

  const inspect = new Command('inspect')
    .description('Display detailed information on one or more services')
    .argument('<SERVICE...>')
    .action(async (refs: string[]) => {
      const api = await dockerApi();
      process.stdout.write(JSON.stringify(await Promise.all(refs.map((r) => api.service(r))), null, 4) + '\n');
    });

  const scale = new Command('scale')
    .description('Scale one or multiple replicated services')
    .argument('<SERVICE=REPLICAS...>')
    .option('-d, --detach', 'exit immediately instead of waiting for the services to converge')
    .option('-q, --quiet', 'suppress progress output')
    .action(async (pairs: string[]) => {
      const api = await dockerApi();
      let failed = false;
      for (const pair of pairs) {
        const m = /^([^=]+)=(\d+)$/.exec(pair);
        if (!m) throw new CliError(`invalid scale specifier '${pair}'.\nSee 'flotilla service scale --help'.`);
        try {
          const s = await api.service(m[1]);
          const n = Number(m[2]);
          let mode: ServiceSpec['Mode'];
          if ('Replicated' in s.Spec.Mode) mode = { Replicated: { Replicas: n } };
          // docker scales a replicated job by its completions.
          else if ('ReplicatedJob' in s.Spec.Mode) mode = { ReplicatedJob: { ...s.Spec.Mode.ReplicatedJob, TotalCompletions: n } };
          else throw new CliError('scale can only be used with replicated or replicated-job mode');
          await api.updateService(s.ID, s.Version.Index, { ...s.Spec, Mode: mode });
          process.stdout.write(`${m[1]} scaled to ${m[2]}\n`);
          const so = scale.opts<{ detach?: boolean; quiet?: boolean }>();
          if (!so.detach) await watchService(api, s.ID, { writer: progressWriter(!!so.quiet), ref: m[1] });
        } catch (e) {
          if (!(e instanceof CliError)) throw e;
          process.stderr.write(`${m[1]}: ${e.message}\n`);
          failed = true;
        }
      }
      if (failed) throw new CliError('', 1);
    });

  const rm = new Command('rm')
    .alias('remove')
    .description('Remove one or more services')
    .argument('<SERVICE...>')
    .action(async (refs: string[]) => {
      const api = await dockerApi();
      let failed = false;
      for (const r of refs) {
        try {
          await api.removeService(r);
          process.stdout.write(`${r}\n`);
        } catch (e) {
          if (!(e instanceof CliError)) throw e;
          process.stderr.write(`${e.message}\n`);
          failed = true;
        }
      }
      if (failed) throw new CliError('', 1);
    });

  for (const c of [create, ls, ps, inspect, scale, rm, serviceLogsCommand(), serviceUpdateCommand(), serviceRollbackCommand()]) svc.addCommand(c);
  return svc;
}

function filters(items: string[] = []): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of items) {
    const eq = i.indexOf('=');
    if (eq <= 0) throw new CliError(`bad format of filter (expected name=value)`);
    (out[i.slice(0, eq)] ??= []).push(i.slice(eq + 1));
  }
  return out;
}

function kv(items: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of (items as string[] | undefined) ?? []) {
    const eq = i.indexOf('=');
    if (eq < 0) out[i] = '';
    else out[i.slice(0, eq)] = i.slice(eq + 1);
  }
  return out;
}

function bytes(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)([bkmg]?)i?b?$/i.exec(String(v));
  if (!m) throw new CliError(`invalid size: '${String(v)}'`);
  return Math.round(Number(m[1]) * { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as 'k']);
}

function specFrom(image: string, args: string[], o: Record<string, string | string[] | boolean | undefined>): ServiceSpec {
  const ports: PortConfig[] = ((o.publish as string[] | undefined) ?? []).map((p) => {
    const m = /^(\d+):(\d+)(?:\/(tcp|udp|sctp))?$/.exec(p);
    if (!m) throw new CliError(`invalid publish spec ${p} (expected PUBLISHED:TARGET[/PROTO])`);
    return { Protocol: (m[3] ?? 'tcp') as 'tcp', TargetPort: Number(m[2]), PublishedPort: Number(m[1]), PublishMode: 'ingress' };
  });
  const replicas = o.replicas === undefined ? undefined : Number(o.replicas);
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) throw new CliError(`invalid replicas value ${String(o.replicas)}`);
  if ((o.mode === 'global' || o.mode === 'global-job') && replicas !== undefined) throw new CliError('replicas can only be used with replicated or replicated-job mode');
  const maxConcurrent = o.maxConcurrent === undefined ? undefined : Number(o.maxConcurrent);
  if (maxConcurrent !== undefined && o.mode !== 'replicated-job') throw new CliError('max-concurrent can only be used with replicated-job mode');
  const cpus = (v: unknown) => (v === undefined ? undefined : Math.round(Number(v) * 1e9));
  return {
    Name: (o.name as string | undefined) ?? `svc-${Math.random().toString(36).slice(2, 8)}`,
    Labels: kv(o.label),
    TaskTemplate: {
      ContainerSpec: {
        Image: image,
        ...(args.length ? { Args: args } : {}),
        ...(o.env ? { Env: o.env as string[] } : {}),
        ...(o.containerLabel ? { Labels: kv(o.containerLabel) } : {}),
      },
      Resources: {
        Limits: { ...(o.limitCpu ? { NanoCPUs: cpus(o.limitCpu) } : {}), ...(o.limitMemory ? { MemoryBytes: bytes(o.limitMemory) } : {}) },
        Reservations: { ...(o.reserveCpu ? { NanoCPUs: cpus(o.reserveCpu) } : {}), ...(o.reserveMemory ? { MemoryBytes: bytes(o.reserveMemory) } : {}) },
      },
      ...(o.restartCondition || o.restartMaxAttempts
        ? { RestartPolicy: { ...(o.restartCondition ? { Condition: o.restartCondition as 'any' } : {}), ...(o.restartMaxAttempts ? { MaxAttempts: Number(o.restartMaxAttempts) } : {}) } }
        : {}),
      ...(o.network ? { Networks: (o.network as string[]).map((Target) => ({ Target })) } : {}),
      Placement: {
        ...(o.constraint ? { Constraints: o.constraint as string[] } : {}),
        ...(o.maxReplicasPerNode ? { MaxReplicas: Number(o.maxReplicasPerNode) } : {}),
      },
    },
    Mode: modeOf(o.mode as string, replicas, maxConcurrent),
    EndpointSpec: { Mode: 'vip', ...(ports.length ? { Ports: ports } : {}) },
  };
}

/** docker's rules: a job runs `--replicas` completions, `--max-concurrent` (default the same) at once. */
function modeOf(mode: string, replicas: number | undefined, maxConcurrent: number | undefined): ServiceSpec['Mode'] {
  switch (mode) {
    case 'global':
      return { Global: {} };
    case 'global-job':
      return { GlobalJob: {} };
    case 'replicated-job': {
      const total = replicas ?? 1;
      return { ReplicatedJob: { MaxConcurrent: maxConcurrent ?? total, TotalCompletions: total } };
    }
    default:
      return { Replicated: replicas === undefined ? {} : { Replicas: replicas } };
  }
}
