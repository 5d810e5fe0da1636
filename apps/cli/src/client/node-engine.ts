import Docker from 'dockerode';
import { NODE_HEADER } from '@flotilla/contracts';
import { CliError } from '../errors';

/**
 * The Docker Engine API of one node of the cluster, through the manager
 * (`X-Flotilla-Node`): the manager relays each call to that node's worker,
 * which passes it to its dockerd. dockerode speaks it as to any engine,
 * hijacked exec and attach streams included.
 */
export function nodeEngine(managerBaseUrl: string, nodeId: string): Docker {
  const u = new URL(managerBaseUrl);
  return new Docker({ protocol: 'http', host: u.hostname, port: Number(u.port || 80), headers: { [NODE_HEADER]: nodeId } } as Docker.DockerOptions);
}

/** An engine error as docker-compose prints it: Docker's own message. */
export function engineMessage(e: unknown): string {
  const err = e as { json?: { message?: string }; message?: string; reason?: string };
  return err.json?.message ?? err.message ?? String(e);
}

export function engineError(e: unknown): CliError {
  return new CliError(engineMessage(e));
}
