import { request } from 'node:http';
import type { EngineCaller } from '../image-source';
import type { RelayBroker } from './relay-broker';

/** Node `nodeId`'s engine, one call per relayed connection (its worker dials back when asked). */
export function relayedEngine(broker: RelayBroker, nodeId: string): () => Promise<EngineCaller> {
  return async () => {
    const socket = await broker.open(nodeId);
    return {
      label: `node ${nodeId}'s engine`,
      request: (opts, onAnswer) => request({ ...opts, headers: { ...opts.headers, connection: 'close' }, createConnection: () => socket as never }, onAnswer),
    };
  };
}
