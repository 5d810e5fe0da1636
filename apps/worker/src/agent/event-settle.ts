import { LABEL } from '@flotilla/contracts';

/** How long a look prompted by an engine event waits for the events that follow it. */
export const LOCAL_SETTLE_MS = 50;

/** Events the worker's own action on that container causes (a start it issued, a stop, a removal). */
const OWN_ACTIONS = new Set(['start', 'die', 'destroy']);

/** Whether the worker has an action in flight on a task or a container (by task ID, or container ID for a removal). */
export type InFlight = (taskId: string | undefined, containerId: string | undefined) => boolean;

/**
 * The look a chunk of the engine's event stream asks for: after how many ms, or none.
 * - Containers start and die in bursts, so most looks wait a moment to see a burst at once.
 * - A health verdict comes alone (the engine tells only a change) and something waits on it (a
 *   `depends_on: service_healthy` start, the ingress), so its look is at once.
 * - A start, death or removal of a container the worker is acting on needs none: the action's end
 *   asks for a look that sees whatever happened meanwhile. A stop round of fifty containers otherwise
 *   listed the engine's containers ~35 times while the engine was busy stopping them.
 * A line that does not parse (a chunk split mid-event) asks for a look, to be safe.
 */
export function lookFor(chunk: string, inFlight: InFlight): number | undefined {
  let settle: number | undefined;
  for (const line of chunk.split('\n')) {
    if (!line.trim()) continue;
    const wait = lineLook(line, inFlight);
    if (wait !== undefined) settle = Math.min(settle ?? wait, wait);
    if (settle === 0) break;
  }
  return settle;
}

function lineLook(line: string, inFlight: InFlight): number | undefined {
  let e: { Action?: unknown; id?: unknown; Actor?: { ID?: unknown; Attributes?: Record<string, unknown> } };
  try {
    e = JSON.parse(line) as typeof e;
  } catch {
    return LOCAL_SETTLE_MS;
  }
  const action = typeof e.Action === 'string' ? e.Action : '';
  if (action.startsWith('health_status')) return 0;
  if (OWN_ACTIONS.has(action)) {
    const task = e.Actor?.Attributes?.[LABEL.swarmTaskId];
    const id = e.Actor?.ID ?? e.id;
    if (inFlight(typeof task === 'string' ? task : undefined, typeof id === 'string' ? id : undefined)) return undefined;
  }
  return LOCAL_SETTLE_MS;
}
