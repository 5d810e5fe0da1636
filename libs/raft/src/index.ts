/**
 * @flotilla/raft — the consensus core (pure), its simulator, WAL/snapshot
 * storage and the transport port. The driver with timers and sockets lives in
 * ./host and is exported separately so the pure ring never pulls it in.
 */
export * from './core';
export * from './storage';
export { checkLinearizable, kvModel } from './sim/linearizability';
export type { Operation, Model, KvInput, KvOutput, CheckResult } from './sim/linearizability';
export { runSeed } from './sim/run-seed';
export type { SeedResult } from './sim/run-seed';
