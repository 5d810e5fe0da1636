import type { Placement, Service, SwarmNode } from '@flotilla/contracts';
import { ConstraintError } from './errors';

export { ConstraintError } from './errors';

export interface Constraint {
  key: string;
  op: '==' | '!=';
  value: string;
}

// Docker's grammar (swarmkit manager/constraint): a key like an identifier,
// a value without characters that are or may become operators.
const KEY = /^[a-z_][a-z0-9\-_.]+$/i;
const VALUE = /^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$/i;
const OPERATORS = ['==', '!='] as const;

/** Parses `node.role==manager`, `node.labels.zone != a`; throws ConstraintError with Docker's wording. */
export function parseConstraint(expr: string): Constraint {
  for (const op of OPERATORS) {
    const i = expr.indexOf(op);
    if (i < 0) continue;
    const key = expr.slice(0, i).trim();
    const value = expr.slice(i + op.length).trim();
    if (!KEY.test(key)) throw new ConstraintError(`key '${key}' is invalid`, expr);
    if (!VALUE.test(value)) throw new ConstraintError(`value '${value}' is invalid`, expr);
    return { key, op, value };
  }
  throw new ConstraintError(`constraint expected one operator from ${OPERATORS.join(', ')}`, expr);
}

const NODE_LABELS = 'node.labels.';
const ENGINE_LABELS = 'engine.labels.';

/**
 * The node's value for a key; undefined for a key Docker does not know (such
 * a constraint never matches). Absent labels read as '' so `!=` matches them.
 */
export function nodeAttribute(node: SwarmNode, key: string): string | undefined {
  const k = key.toLowerCase();
  switch (k) {
    case 'node.id':
      return node.ID;
    case 'node.hostname':
      return node.Description.Hostname ?? '';
    case 'node.role':
      return node.Spec.Role;
    case 'node.platform.os':
      return node.Description.Platform?.OS ?? '';
    case 'node.platform.arch':
      return node.Description.Platform?.Architecture ?? '';
  }
  // The prefix is case-insensitive, the label name is not.
  if (k.length > NODE_LABELS.length && k.startsWith(NODE_LABELS)) return node.Spec.Labels?.[key.slice(NODE_LABELS.length)] ?? '';
  if (k.length > ENGINE_LABELS.length && k.startsWith(ENGINE_LABELS)) {
    return node.Description.Engine?.Labels?.[key.slice(ENGINE_LABELS.length)] ?? '';
  }
  return undefined;
}

export function matches(c: Constraint, node: SwarmNode): boolean {
  if (c.key.toLowerCase() === 'node.ip') return matchIp(c, node.Status.Addr);
  const v = nodeAttribute(node, c.key);
  if (v === undefined) return false;
  const eq = v.toLowerCase() === c.value.toLowerCase();
  return c.op === '==' ? eq : !eq;
}

/** `node.ip==10.0.0.5` or `node.ip!=10.0.0.0/8` (IPv4; other forms compare as text). */
function matchIp(c: Constraint, addr: string): boolean {
  const [net, bitsText] = c.value.split('/');
  const a = ipv4(addr);
  const n = ipv4(net);
  let inside: boolean;
  if (a === undefined || n === undefined) {
    if (bitsText !== undefined) return false;
    inside = addr.toLowerCase() === c.value.toLowerCase();
  } else {
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    inside = ((a & mask) >>> 0) === ((n & mask) >>> 0);
  }
  return c.op === '==' ? inside : !inside;
}

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return (((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0);
}

/** Docker names the same architectures two ways. */
function normArch(a: string | undefined): string {
  const x = (a ?? '').toLowerCase();
  return x === 'x86_64' ? 'amd64' : x === 'aarch64' ? 'arm64' : x;
}

export interface CompiledPlacement {
  /** Constraints parsed; a constraint that does not parse matches no node. */
  readonly valid: boolean;
  constraintsMatch(node: SwarmNode): boolean;
  platformMatches(node: SwarmNode): boolean;
  matches(node: SwarmNode): boolean;
}

/** Parses a placement once so checking 1,000 nodes does not parse 1,000 times. */
export function compilePlacement(p: Placement | undefined): CompiledPlacement {
  let cs: Constraint[] | undefined = [];
  try {
    cs = (p?.Constraints ?? []).map(parseConstraint);
  } catch (e) {
    if (!(e instanceof ConstraintError)) throw e;
    cs = undefined;
  }
  const platforms = p?.Platforms ?? [];
  const constraintsMatch = (n: SwarmNode) => cs !== undefined && cs.every((c) => matches(c, n));
  const platformMatches = (n: SwarmNode) =>
    platforms.length === 0 ||
    platforms.some(
      (pl) =>
        (!pl.Architecture || normArch(pl.Architecture) === normArch(n.Description.Platform?.Architecture)) &&
        (!pl.OS || pl.OS.toLowerCase() === (n.Description.Platform?.OS ?? '').toLowerCase()),
    );
  return {
    valid: cs !== undefined,
    constraintsMatch,
    platformMatches,
    matches: (n) => constraintsMatch(n) && platformMatches(n),
  };
}

/** Whether a node satisfies a service's placement constraints. */
export function constraintsMatch(svc: Service, node: SwarmNode): boolean {
  return compilePlacement(svc.Spec.TaskTemplate.Placement).constraintsMatch(node);
}
