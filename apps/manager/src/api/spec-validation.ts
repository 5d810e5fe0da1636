import { FlotillaError, type ServiceSpec } from '@flotilla/contracts';
import { parseBody, serviceSpecSchema } from './schemas';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Docker's rule for object names; the message is the one `docker service create` prints. */
export function validateName(kind: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) throw new FlotillaError('invalid_argument', `${kind} name must not be empty`);
  if (name.length > 63 || !NAME_RE.test(name)) {
    throw new FlotillaError(
      'invalid_argument',
      `rpc error: code = InvalidArgument desc = name must be valid as a DNS name component`,
    );
  }
}

const strArray = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/** Checks what arrives from the network before it reaches the store; libs trust validated specs. */
export function validateServiceSpec(spec: ServiceSpec): void {
  const bad = (m: string) => new FlotillaError('invalid_argument', m);
  if (typeof spec !== 'object' || spec === null) throw bad('service spec must be an object');
  validateName('service', spec.Name);
  parseBody(serviceSpecSchema, spec);
  const tt = spec.TaskTemplate;
  if (typeof tt !== 'object' || tt === null) throw bad(`service ${spec.Name}: TaskTemplate is required`);
  const cs = tt.ContainerSpec;
  if (typeof cs !== 'object' || cs === null) throw bad(`service ${spec.Name}: ContainerSpec is required`);
  if (typeof cs.Image !== 'string' || cs.Image.length === 0) {
    throw bad(`rpc error: code = InvalidArgument desc = ContainerSpec: image reference must be provided`);
  }
  for (const k of ['Command', 'Args', 'Env'] as const) {
    if (!strArray(cs[k])) throw bad(`service ${spec.Name}: ContainerSpec.${k} must be a list of strings`);
  }
  const mode = spec.Mode as Record<string, unknown> | undefined;
  if (typeof mode !== 'object' || mode === null) throw bad(`service ${spec.Name}: Mode must be Replicated, Global, ReplicatedJob or GlobalJob`);
  const modes = ['Replicated', 'Global', 'ReplicatedJob', 'GlobalJob'].filter((k) => k in mode);
  if (modes.length > 1) throw bad('must specify only one service mode');
  if (modes.length === 0) throw bad(`service ${spec.Name}: Mode must be Replicated, Global, ReplicatedJob or GlobalJob`);
  if ('ReplicatedJob' in mode) {
    const rj = (mode.ReplicatedJob ?? {}) as Record<string, unknown>;
    for (const k of ['MaxConcurrent', 'TotalCompletions']) {
      const v = rj[k];
      if (v !== undefined && (!Number.isSafeInteger(v) || (v as number) < 0)) {
        const what = typeof v === 'number' ? `number ${v}` : typeof v;
        throw bad(`json: cannot unmarshal ${what} into Go struct field ReplicatedJob.Mode.ReplicatedJob.${k} of type uint64`);
      }
    }
  }
  if ('Replicated' in mode) {
    const r = (mode.Replicated as { Replicas?: unknown } | undefined)?.Replicas;
    if (r !== undefined && (!Number.isSafeInteger(r) || (r as number) < 0)) {
      throw bad(`service ${spec.Name}: replicas must be a non-negative integer`);
    }
  }
  for (const p of spec.EndpointSpec?.Ports ?? []) {
    const ok = (n: unknown) => n === undefined || (Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 65535);
    if (!Number.isInteger(p.TargetPort) || !ok(p.TargetPort) || !ok(p.PublishedPort)) {
      throw bad(`service ${spec.Name}: invalid port ${JSON.stringify(p)}`);
    }
    // A host range is bound by each task on its own node: host mode, a start, and an end past it.
    const end = p.PublishedPortEnd;
    if (end !== undefined && end !== null && (p.PublishMode !== 'host' || !p.PublishedPort || !ok(end) || end < p.PublishedPort)) {
      throw bad(`service ${spec.Name}: invalid port ${JSON.stringify(p)}: PublishedPortEnd needs PublishMode host and a PublishedPort up to it`);
    }
  }
  validateUpdateConfig(spec.UpdateConfig, 'update');
  validateUpdateConfig(spec.RollbackConfig, 'rollback');
  for (const m of cs.Mounts ?? []) {
    if (!['bind', 'volume', 'tmpfs'].includes(m.Type)) throw bad(`service ${spec.Name}: invalid mount type ${String(m.Type)}`);
    if (typeof m.Target !== 'string' || !m.Target.startsWith('/')) {
      throw bad(`service ${spec.Name}: mount target must be an absolute path`);
    }
  }
}

const FAILURE_ACTIONS = ['pause', 'continue', 'rollback'];
const ORDERS = ['stop-first', 'start-first'];

/** Go's words for a JSON value that does not fit the field (what the daemon answers). */
function unmarshalError(v: unknown, path: string, type: string): FlotillaError {
  const what = typeof v === 'number' ? `number ${v}` : Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
  return new FlotillaError('invalid_argument', `json: cannot unmarshal ${what} into Go struct field ${path} of type ${type}`);
}

/**
 * UpdateConfig / RollbackConfig, as Docker 20.10 answers them (recorded): the
 * daemon checks both configs' types, failure action and order (its words say
 * "update" for both); swarmkit's range checks apply to UpdateConfig only.
 */
function validateUpdateConfig(uc: unknown, what: 'update' | 'rollback'): void {
  if (uc === undefined || uc === null) return;
  const bad = (m: string) => new FlotillaError('invalid_argument', m);
  const field = what === 'update' ? 'UpdateConfig' : 'RollbackConfig';
  if (typeof uc !== 'object' || Array.isArray(uc)) throw unmarshalError(uc, `ServiceSpec.${field}`, 'swarm.UpdateConfig');
  const c = uc as Record<string, unknown>;
  const v = c.Parallelism;
  if (v !== undefined && (!Number.isSafeInteger(v) || (v as number) < 0)) throw unmarshalError(v, `UpdateConfig.${field}.Parallelism`, 'uint64');
  for (const k of ['Delay', 'Monitor']) {
    if (c[k] !== undefined && !Number.isSafeInteger(c[k])) throw unmarshalError(c[k], `UpdateConfig.${field}.${k}`, 'time.Duration');
  }
  if (c.MaxFailureRatio !== undefined && (typeof c.MaxFailureRatio !== 'number' || !Number.isFinite(c.MaxFailureRatio))) {
    throw unmarshalError(c.MaxFailureRatio, `UpdateConfig.${field}.MaxFailureRatio`, 'float32');
  }
  if (c.FailureAction !== undefined && c.FailureAction !== '' && !FAILURE_ACTIONS.includes(c.FailureAction as string)) {
    throw bad(`unrecognized update failure action ${String(c.FailureAction)}`);
  }
  if (c.Order !== undefined && c.Order !== '' && !ORDERS.includes(c.Order as string)) throw bad(`unrecognized update order ${String(c.Order)}`);
  if (what === 'rollback') return;
  if ((c.Delay as number) < 0) throw bad('rpc error: code = InvalidArgument desc = TaskSpec: update-delay cannot be negative');
  if ((c.Monitor as number) < 0) throw bad('rpc error: code = InvalidArgument desc = TaskSpec: update-monitor cannot be negative');
  const r = c.MaxFailureRatio as number | undefined;
  if (r !== undefined && (r < 0 || r > 1)) {
    throw bad('rpc error: code = InvalidArgument desc = TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1');
  }
}
