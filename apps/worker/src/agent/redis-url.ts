/**
 * The manager names its Redis as it reaches it. "127.0.0.1" there means the
 * manager's host, so a worker elsewhere swaps in the address it reaches the
 * manager at.
 */
export function redisSeenFrom(redisUrl: string, managerUrl: string): string {
  const r = new URL(redisUrl);
  const m = new URL(managerUrl);
  const loopback = (h: string) => h === 'localhost' || h.startsWith('127.') || h === '[::1]';
  if (loopback(r.hostname) && !loopback(m.hostname)) r.hostname = m.hostname;
  return r.toString().replace(/\/$/, '');
}
