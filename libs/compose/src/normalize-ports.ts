import type { PortDef } from './model';

const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

export interface RawPort {
  target: number;
  published?: number;
  protocol: PortDef['protocol'];
  mode: PortDef['mode'];
  host_ip?: string;
  published_end?: number;
}

const SHORT = /^(?:(?:\[([0-9a-fA-F:.]+)\]|(\d+(?:\.\d+){3})):)?(?:(\d*)(?:-(\d+))?:)?(\d+)(?:-(\d+))?(?:\/([a-zA-Z]+))?$/;

/**
 * One `ports:` entry to its long form, ranges expanded: "8000:5000",
 * "127.0.0.1:8000-8001:5000-5001/udp", "[::1]:80:80", 5000, {target, published, mode}.
 * Returns an error message when it cannot be read.
 */
export function parsePortSpec(item: unknown): RawPort[] | string {
  if (item && typeof item === 'object' && !Array.isArray(item)) {
    const o = item as Record<string, unknown>;
    const target = Number(o.target);
    if (o.target === undefined || !Number.isInteger(target) || target < 1 || target > 65535) return `invalid port target ${JSON.stringify(o.target)}: it should be a port number between 1 and 65535`;
    let published: number | undefined;
    if (o.published !== undefined && o.published !== null && o.published !== '') {
      published = Number(o.published);
      if (!Number.isInteger(published) || published < 0 || published > 65535) return `invalid published port ${JSON.stringify(o.published)}: it should be a port number between 0 and 65535`;
    }
    const protocol = String(o.protocol ?? 'tcp').toLowerCase();
    if (!PROTOCOLS.has(protocol)) return `invalid protocol ${JSON.stringify(o.protocol)}: it should be tcp, udp or sctp`;
    const mode = String(o.mode ?? 'ingress');
    if (mode !== 'ingress' && mode !== 'host') return `invalid port mode ${JSON.stringify(o.mode)}: it should be ingress or host`;
    return [
      {
        target,
        ...(published ? { published } : {}),
        protocol: protocol as PortDef['protocol'],
        mode,
        ...(o.host_ip ? { host_ip: String(o.host_ip) } : {}),
      },
    ];
  }
  if (typeof item !== 'string' && typeof item !== 'number') return `invalid port ${JSON.stringify(item)}`;
  const s = String(item).trim();
  const m = SHORT.exec(s);
  if (!m) return `Invalid port "${s}", should be [[remote_ip:]remote_port[-remote_port]:]port[/protocol]`;
  const [, ip6, ip4, pubA, pubB, tgtA, tgtB, proto = 'tcp'] = m;
  const protocol = proto.toLowerCase();
  if (!PROTOCOLS.has(protocol)) return `Invalid port "${s}": unknown protocol "${proto}", it should be tcp, udp or sctp`;
  const t0 = Number(tgtA);
  const t1 = tgtB ? Number(tgtB) : t0;
  if (t0 < 1 || t1 > 65535 || t1 < t0) return `Invalid port "${s}": container port out of range (1-65535)`;
  const hasPub = pubA !== undefined && pubA !== '';
  const p0 = hasPub ? Number(pubA) : undefined;
  const p1 = pubB ? Number(pubB) : p0;
  if (p0 !== undefined && (p0 < 1 || p1! > 65535 || p1! < p0)) return `Invalid port "${s}": published port out of range (1-65535)`;
  // A host range onto one container port ("8000-8001:80") stays one port with its range, as 1.29 keeps it:
  // each container takes one free port of it (toStack reads it as Swarm does for a stack).
  const onePort = t0 === t1 && p0 !== undefined && p1! > p0;
  if (p0 !== undefined && !onePort && p1! - p0 !== t1 - t0) return `Invalid port "${s}": port ranges don't match in length`;
  const host_ip = ip6 ?? ip4;
  const port = (target: number, published: number | undefined): RawPort => ({
    target,
    ...(published !== undefined ? { published } : {}),
    protocol: protocol as PortDef['protocol'],
    mode: 'ingress',
    ...(host_ip ? { host_ip } : {}),
  });
  if (onePort) return [{ ...port(t0, p0), published_end: p1 }];
  return Array.from({ length: t1 - t0 + 1 }, (_, k) => port(t0 + k, p0 !== undefined ? p0 + k : undefined));
}

/** Like parsePortSpec, undefined when unreadable (merging keeps such items raw for the validator to report). */
export function expandPortSpec(item: unknown): RawPort[] | undefined {
  const r = parsePortSpec(item);
  return typeof r === 'string' ? undefined : r;
}

/** `expose:` entries: "PORT[/PROTOCOL]" or "START-END[/PROTOCOL]". */
export function checkExpose(item: unknown): string | undefined {
  const s = String(item);
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(s);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 65535 || (m[2] !== undefined && (Number(m[2]) > 65535 || Number(m[2]) < Number(m[1])))) {
    return `is invalid: should be of the format 'PORT[/PROTOCOL]'`;
  }
  return undefined;
}
