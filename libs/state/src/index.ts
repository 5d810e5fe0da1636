export * from './objects';
export * from './command';
export * from './change';
export * from './state-view';
export * from './state-machine';
export * from './state-store';
export * from './memory-store';
export * from './ids';
export { revivesInPlace } from './task-revival';
