import { Command, Option } from 'commander';
import type { HealthConfig, ServiceSpec, UpdateConfig } from '@flotilla/contracts';
import { parseDuration } from '@flotilla/compose';
import { CliError } from '../errors';

/** The flags `service create` and `service update` share with docker's: healthcheck, update and rollback configs. */
export interface SpecFlags {
  healthCmd?: string;
  healthInterval?: string;
  healthTimeout?: string;
  healthRetries?: string;
  healthStartPeriod?: string;
  healthcheck?: boolean;
  [k: string]: unknown;
}

const UPDATE_KEYS = [
  ['parallelism', 'Parallelism', 'Maximum number of tasks updated simultaneously (0 to update all at once)'],
  ['delay', 'Delay', 'Delay between updates (ns|us|ms|s|m|h)'],
  ['failure-action', 'FailureAction', 'Action on failure ("pause", "continue", "rollback")'],
  ['monitor', 'Monitor', 'Duration after each task update to monitor for failure (ns|us|ms|s|m|h)'],
  ['max-failure-ratio', 'MaxFailureRatio', 'Failure rate to tolerate during an update'],
  ['order', 'Order', 'Update order ("start-first", "stop-first")'],
] as const;

/** Adds docker's `--health-*`, `--no-healthcheck`, `--update-*` and `--rollback-*` flags to a command. */
export function addSpecFlags(cmd: Command): Command {
  cmd
    .option('--health-cmd <CMD>', 'Command to run to check health')
    .option('--health-interval <DURATION>', 'Time between running the check (ms|s|m|h)')
    .option('--health-timeout <DURATION>', 'Maximum time to allow one check to run (ms|s|m|h)')
    .option('--health-retries <N>', 'Consecutive failures needed to report unhealthy')
    .option('--health-start-period <DURATION>', 'Start period for the container to initialize before counting retries towards unstable (ms|s|m|h)')
    .option('--no-healthcheck', 'Disable any container-specified HEALTHCHECK');
  for (const kind of ['update', 'rollback'] as const) {
    for (const [flag, , help] of UPDATE_KEYS) {
      const opt = new Option(`--${kind}-${flag} <VALUE>`, help.replace('updates', `${kind}s`).replace('update', kind));
      if (flag === 'failure-action') opt.choices(kind === 'update' ? ['pause', 'continue', 'rollback'] : ['pause', 'continue']);
      if (flag === 'order') opt.choices(['start-first', 'stop-first']);
      cmd.addOption(opt);
    }
  }
  return cmd;
}

/** The spec with the flags applied, as docker's `service create`/`update` apply them (pure). */
export function applySpecFlags(spec: ServiceSpec, o: SpecFlags): ServiceSpec {
  const cs = { ...spec.TaskTemplate.ContainerSpec };
  const health = healthFrom(cs.Healthcheck, o);
  if (health !== undefined) cs.Healthcheck = health;
  const out: ServiceSpec = { ...spec, TaskTemplate: { ...spec.TaskTemplate, ContainerSpec: cs } };
  const update = updateConfigFrom(spec.UpdateConfig, o, 'update');
  if (update) out.UpdateConfig = update;
  const rollback = updateConfigFrom(spec.RollbackConfig, o, 'rollback');
  if (rollback) out.RollbackConfig = rollback;
  return out;
}

function healthFrom(cur: HealthConfig | undefined, o: SpecFlags): HealthConfig | undefined {
  const given = o.healthCmd !== undefined || o.healthInterval !== undefined || o.healthTimeout !== undefined || o.healthRetries !== undefined || o.healthStartPeriod !== undefined;
  // commander's --no-healthcheck sets healthcheck=false; its default is true.
  if (o.healthcheck === false) {
    if (given) throw new CliError('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!given) return undefined;
  const h: HealthConfig = cur && cur.Test?.[0] !== 'NONE' ? { ...cur } : {};
  if (o.healthCmd !== undefined) h.Test = o.healthCmd === '' ? [] : ['CMD-SHELL', o.healthCmd];
  if (o.healthInterval !== undefined) h.Interval = duration(o.healthInterval, 'health-interval');
  if (o.healthTimeout !== undefined) h.Timeout = duration(o.healthTimeout, 'health-timeout');
  if (o.healthStartPeriod !== undefined) h.StartPeriod = duration(o.healthStartPeriod, 'health-start-period');
  if (o.healthRetries !== undefined) h.Retries = int(o.healthRetries, 'health-retries');
  return h;
}

function updateConfigFrom(cur: UpdateConfig | undefined, o: SpecFlags, kind: 'update' | 'rollback'): UpdateConfig | undefined {
  let out: UpdateConfig | undefined;
  for (const [flag, key] of UPDATE_KEYS) {
    const v = o[camel(`${kind}-${flag}`)];
    if (v === undefined) continue;
    out ??= { ...cur };
    const name = `${kind}-${flag}`;
    const s = String(v);
    switch (key) {
      case 'Parallelism':
        out.Parallelism = int(s, name);
        break;
      case 'Delay':
      case 'Monitor':
        out[key] = duration(s, name);
        break;
      case 'MaxFailureRatio': {
        const r = Number(s);
        if (s.trim() === '' || !Number.isFinite(r)) throw new CliError(`invalid argument "${s}" for "--${name}" flag: strconv.ParseFloat: parsing "${s}": invalid syntax`);
        out.MaxFailureRatio = r;
        break;
      }
      case 'FailureAction':
        out.FailureAction = s as UpdateConfig['FailureAction'];
        break;
      case 'Order':
        out.Order = s as UpdateConfig['Order'];
        break;
    }
  }
  return out;
}

/** Go durations, negative ones included (the daemon, not the CLI, refuses those). */
function duration(v: string, flag: string): number {
  try {
    return v.startsWith('-') ? -parseDuration(v.slice(1)) : parseDuration(v);
  } catch {
    throw new CliError(`invalid argument "${v}" for "--${flag}" flag: time: invalid duration "${v}"`);
  }
}

function int(v: string, flag: string): number {
  if (!/^-?\d+$/.test(v.trim())) throw new CliError(`invalid argument "${v}" for "--${flag}" flag: strconv.ParseInt: parsing "${v}": invalid syntax`);
  return Number(v);
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
