import { FlotillaError } from '@flotilla/contracts';

/**
 * `since`/`until` as Docker's API takes them: seconds since the epoch with an
 * optional fraction (`1700000000.123456789`; the CLI turns `1m` or a date into
 * that). Empty means unset. Returns nanoseconds.
 */
export function parseEventTime(raw: string | undefined): bigint | undefined {
  if (raw === undefined || raw === '') return undefined;
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(raw);
  if (!m) throw new FlotillaError('invalid_argument', `invalid timestamp ${JSON.stringify(raw)}: expected seconds since the epoch, with an optional fraction`);
  const frac = (m[2] ?? '').padEnd(9, '0');
  return BigInt(m[1]) * 1_000_000_000n + BigInt(frac || '0');
}

/** What one `/events` request asks for, checked as Docker checks it. */
export interface EventWindow {
  since?: bigint;
  until?: bigint;
}

export function parseEventWindow(since: string | undefined, until: string | undefined): EventWindow {
  const w: EventWindow = { since: parseEventTime(since), until: parseEventTime(until) };
  if (w.until !== undefined && w.until < (w.since ?? 0n)) {
    throw new FlotillaError('invalid_argument', `\`since\` time (${since}) cannot be after \`until\` time (${until})`);
  }
  return w;
}
