/**
 * One message of the Engine API's `/events` stream, as Docker sends it. Swarm
 * events carry only Type/Action/Actor/scope/time; a local engine's container
 * events also carry the legacy `status`, `id` and `from`.
 */
export interface EventActor {
  ID: string;
  Attributes: Record<string, string>;
}

export interface EventMessage {
  status?: string;
  id?: string;
  from?: string;
  Type: string;
  Action: string;
  Actor: EventActor;
  scope: 'local' | 'swarm';
  time: number;
  /** Nanoseconds since the epoch; a JS number rounds it, so streams carry the exact value from `TimedEvent.nanos`. */
  timeNano: number;
}

/** An event with its exact time, in nanoseconds since the epoch (what `since`/`until` compare). */
export interface TimedEvent {
  message: EventMessage;
  nanos: bigint;
}
