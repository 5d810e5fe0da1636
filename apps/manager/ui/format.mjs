// Small formatting helpers for the console's views; no DOM here.

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Every value that reaches the page goes through this: names and log lines are user data. */
export const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c]);

/** Docker's HumanDuration (what `service ps` prints as "Running 5 seconds ago"). */
export function age(since, now = Date.now()) {
  const ms = now - Date.parse(since);
  const s = Math.trunc(ms / 1000);
  if (!Number.isFinite(s) || s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.trunc(ms / 60000);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.trunc(ms / 3600000 + 0.5);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  return `${Math.trunc(h / 24)} days`;
}

export function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export const cap = (s) => (s ? s[0].toUpperCase() + s.slice(1) : '');

/** A stable colour class per service (c0..c11 in console.css; no inline styles under the page's CSP). */
export function colour(id) {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `c${h % 12}`;
}

export function clock(nanos) {
  return new Date(nanos / 1e6).toISOString().slice(11, 19);
}
