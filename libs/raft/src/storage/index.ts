export * from './record';
export * from './wal';
export * from './snapshot-store';
export * from './disk-storage';
export * from './record-cipher';
export * from './key-wrap';
