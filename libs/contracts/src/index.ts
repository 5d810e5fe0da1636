export * from './task-state';
export * from './labels';
export * from './queues';
export * from './swarm-types';
export * from './agent-api';
export * from './stack-api';
export * from './errors';
export * from './paths';
