/**
 * The apps-ring half of the Raft library: timers, disk and sockets around the
 * pure core. Kept out of `@flotilla/raft`'s main index so pure code never
 * pulls in node:net; the manager imports it as `@flotilla/raft-host`.
 */
export * from './transport';
export * from './memory-transport';
export * from './codec';
export * from './tcp-transport';
export * from './raft-host';
export * from './force-new-cluster';
export * from './pressure-budget';
export * from './turn-shares';
