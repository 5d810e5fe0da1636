/**
 * After interpolation, strings at some paths become numbers or booleans (a
 * replica count from `${N}`, `tty: "true"`), as docker-compose converts them.
 * Paths are relative to the section entry (service, network...); list indexes
 * are not part of them; `*` matches any one key.
 */
import { parseSize } from './units';

type Conv = (v: string) => number | boolean | string;

export class ConversionError extends Error {}

const toInt: Conv = (v) => {
  const s = v.trim();
  if (/^[+-]?\d+$/.test(s)) return Number(s);
  if (/^0[xX][0-9a-fA-F]+$/.test(s) || /^0[oO][0-7]+$/.test(s)) return Number(s);
  throw new ConversionError(`"${v}" is not a valid integer`);
};
const toFloat: Conv = (v) => {
  const s = v.trim();
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  throw new ConversionError(`"${v}" is not a valid float`);
};
const toBool: Conv = (v) => {
  const s = v.trim().toLowerCase();
  if (['true', 'yes', 'y', 'on'].includes(s)) return true;
  if (['false', 'no', 'n', 'off'].includes(s)) return false;
  throw new ConversionError(`"${v}" is not a valid boolean value`);
};
const toBytes: Conv = (v) => {
  try {
    return parseSize(v);
  } catch {
    throw new ConversionError(`"${v}" is not a valid byte value`);
  }
};

const SERVICE: [string, Conv][] = [
  ['cpus', toFloat],
  ['cpu_count', toInt],
  ['configs.mode', toInt],
  ['secrets.mode', toInt],
  ['healthcheck.retries', toInt],
  ['healthcheck.disable', toBool],
  ['deploy.replicas', toInt],
  ['deploy.placement.max_replicas_per_node', toInt],
  ['deploy.resources.limits.cpus', toFloat],
  ['deploy.resources.reservations.cpus', toFloat],
  ['deploy.resources.limits.pids', toInt],
  ['deploy.update_config.parallelism', toInt],
  ['deploy.update_config.max_failure_ratio', toFloat],
  ['deploy.rollback_config.parallelism', toInt],
  ['deploy.rollback_config.max_failure_ratio', toFloat],
  ['deploy.restart_policy.max_attempts', toInt],
  ['mem_swappiness', toInt],
  ['oom_kill_disable', toBool],
  ['oom_score_adj', toInt],
  ['ports.target', toInt],
  ['ports.published', toInt],
  ['scale', toInt],
  ['ulimits.*', toInt],
  ['ulimits.*.soft', toInt],
  ['ulimits.*.hard', toInt],
  ['privileged', toBool],
  ['read_only', toBool],
  ['stdin_open', toBool],
  ['tty', toBool],
  ['init', toBool],
  ['volumes.read_only', toBool],
  ['volumes.volume.nocopy', toBool],
  ['volumes.tmpfs.size', toBytes],
];
const RESOURCE: [string, Conv][] = [
  ['external', toBool],
  ['attachable', toBool],
  ['internal', toBool],
  ['enable_ipv6', toBool],
];

function table(rows: [string, Conv][]): Map<string, Conv> {
  return new Map(rows.map(([p, f]) => [p, f]));
}
const TABLES: Record<string, Map<string, Conv>> = {
  services: table(SERVICE),
  networks: table(RESOURCE),
  volumes: table(RESOURCE),
  secrets: table(RESOURCE),
  configs: table(RESOURCE),
};

/** Last keys of every converted path: most values are ruled out by this one lookup. */
const LAST = new Set([...SERVICE, ...RESOURCE].map(([p]) => p.split('.').pop()!));

/** The converter for a value at `keys` (no indexes) inside an entry of `section`, if any. */
export function converterFor(section: string, keys: readonly string[]): Conv | undefined {
  const t = TABLES[section];
  if (!t || !keys.length) return undefined;
  if (!LAST.has(keys[keys.length - 1]) && keys[0] !== 'ulimits') return undefined;
  const exact = t.get(keys.join('.'));
  if (exact) return exact;
  for (let i = 0; i < keys.length; i++) {
    const f = t.get([...keys.slice(0, i), '*', ...keys.slice(i + 1)].join('.'));
    if (f) return f;
  }
  return undefined;
}
