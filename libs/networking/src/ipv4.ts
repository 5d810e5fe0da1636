/** IPv4 addresses as unsigned 32-bit numbers, and CIDR blocks over them. */

export interface Cidr {
  /** The network address (host bits zero). */
  base: number;
  prefix: number;
}

export function parseIp(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** "10.0.3.0/24" -> the block; undefined for anything else (host bits set are cleared, as Docker does). */
export function parseCidr(s: string): Cidr | undefined {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m) return undefined;
  const ip = parseIp(m[1]);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  return { base: (ip & mask(prefix)) >>> 0, prefix };
}

export function formatCidr(c: Cidr): string {
  return `${formatIp(c.base)}/${c.prefix}`;
}

export function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function broadcast(c: Cidr): number {
  return c.base + size(c) - 1;
}

export function contains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip <= broadcast(c);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= broadcast(b) && b.base <= broadcast(a);
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
}

/** "10.0.3.7/24" or "10.0.3.7" -> the address part. */
export function addressOf(cidrOrIp: string): number | undefined {
  return parseIp(cidrOrIp.split('/')[0]);
}
