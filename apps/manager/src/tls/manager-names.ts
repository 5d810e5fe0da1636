import { hostname } from 'node:os';
import { isIP } from 'node:net';
import type { ManagerConfig } from '../config';

/**
 * Pure over the config: the addresses and host name a manager's certificate names, so a client that
 * checks the name it dialled (the docker CLI with DOCKER_TLS_VERIFY) accepts it.
 */
export function managerAddresses(config: Pick<ManagerConfig, 'advertiseAddr' | 'listenHost'>, host = hostname()): { ips: string[]; hostname: string } {
  const advertised = config.advertiseAddr.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const ips = [advertised, config.listenHost, '127.0.0.1'].filter((a) => isIP(a) && a !== '0.0.0.0' && a !== '::');
  return { ips: [...new Set(ips)], hostname: host };
}
