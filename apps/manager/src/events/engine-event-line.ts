import type { EventMessage, TimedEvent } from '@flotilla/contracts';

/**
 * One line of a Docker engine's own `/events` stream, kept as the engine sent
 * it. Its exact `timeNano` is read from the text, since JSON.parse rounds
 * 19-digit numbers. Lines that are not local-scope events are dropped (an
 * engine that is itself a swarm manager would repeat the cluster's events).
 */
export function engineEvent(line: string): TimedEvent | undefined {
  let message: EventMessage;
  try {
    message = JSON.parse(line) as EventMessage;
  } catch {
    return undefined;
  }
  if (!message || typeof message !== 'object' || typeof message.Type !== 'string' || message.scope !== 'local') return undefined;
  const m = /"timeNano":(\d+)/.exec(line);
  const nanos = m ? BigInt(m[1]) : BigInt(Math.trunc(Number(message.time) || 0)) * 1_000_000_000n;
  return { message, nanos };
}

/** Splits a byte stream into lines; returns a push function and keeps the unfinished tail. */
export function lineSplitter(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let tail = '';
  return (chunk) => {
    tail += chunk.toString();
    let i: number;
    while ((i = tail.indexOf('\n')) >= 0) {
      const line = tail.slice(0, i).trim();
      tail = tail.slice(i + 1);
      if (line) onLine(line);
    }
  };
}
