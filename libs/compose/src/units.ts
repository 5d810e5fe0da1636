/** Go-style durations ("1m30s", "500ms", "10s") as nanoseconds; a bare number is seconds. */
export function parseDuration(v: unknown): number {
  if (typeof v === 'number') return Math.round(v * 1e9);
  if (typeof v !== 'string') throw new Error(`invalid duration ${JSON.stringify(v)}`);
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1e9);
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let rest = s;
  if (!rest) throw new Error(`invalid duration ${JSON.stringify(v)}`);
  while (rest) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/.exec(rest);
    if (!m) throw new Error(`invalid duration ${JSON.stringify(v)}`);
    total += Number(m[1]) * unit[m[2]];
    rest = rest.slice(m[0].length);
  }
  return Math.round(total);
}

/** Docker byte sizes ("64M", "1g", "512k", "100b", 1024) as bytes. */
export function parseSize(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.floor(v);
  if (typeof v !== 'string') throw new Error(`invalid size ${JSON.stringify(v)}`);
  const m = /^\s*(\d+(?:\.\d+)?)\s*([bkmgt]?)b?\s*$/i.exec(v);
  if (!m) throw new Error(`invalid size ${JSON.stringify(v)}`);
  const mult: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  return Math.floor(Number(m[1]) * mult[m[2].toLowerCase()]);
}

/** Nanoseconds as a Go-style duration ("1m30s", "500ms", "0s"), the form `config` prints. */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  let out = '';
  let rest = Math.round(ns);
  const units: [string, number][] = [
    ['h', 3600e9],
    ['m', 60e9],
    ['s', 1e9],
    ['ms', 1e6],
    ['us', 1e3],
    ['ns', 1],
  ];
  for (const [u, n] of units) {
    if (rest >= n) {
      const q = Math.floor(rest / n);
      out += `${q}${u}`;
      rest -= q * n;
    }
  }
  return out;
}
