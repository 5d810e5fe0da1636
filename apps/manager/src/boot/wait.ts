import { FlotillaError } from '@flotilla/contracts';

/** Polls until `pred` holds; throws `what` after `ms`. */
export async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Retries while the answer is `unavailable` (a leader election, a learner catching up). */
export async function retry<T>(fn: () => Promise<T>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end || (e instanceof FlotillaError && e.code !== 'unavailable')) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
