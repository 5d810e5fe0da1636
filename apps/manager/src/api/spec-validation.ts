import { FlotillaError, type ServiceSpec } from '@flotilla/contracts';

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
  if (typeof mode !== 'object' || mode === null || (!('Replicated' in mode) && !('Global' in mode))) {
    throw bad(`service ${spec.Name}: Mode must be Replicated or Global`);
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
  }
  for (const m of cs.Mounts ?? []) {
    if (!['bind', 'volume', 'tmpfs'].includes(m.Type)) throw bad(`service ${spec.Name}: invalid mount type ${String(m.Type)}`);
    if (typeof m.Target !== 'string' || !m.Target.startsWith('/')) {
      throw bad(`service ${spec.Name}: mount target must be an absolute path`);
    }
  }
}
