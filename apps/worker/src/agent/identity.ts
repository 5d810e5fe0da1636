import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { identityFile, membershipFile } from '../config';

/** The node id survives restarts in the data dir, so a restarted node rejoins as itself. */
export function readNodeId(dataDir: string): string | undefined {
  try {
    const id = readFileSync(identityFile(dataDir), 'utf8').trim();
    return /^[a-z0-9]{1,64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

export function writeNodeId(dataDir: string, id: string): void {
  mkdirSync(dataDir, { recursive: true });
  const f = identityFile(dataDir);
  writeFileSync(`${f}.tmp`, id + '\n');
  renameSync(`${f}.tmp`, f);
}

/** The cluster a node joined and the engine it drives: what `swarm leave` cleans up, even after the node died. */
export interface Membership {
  readonly clusterId: string;
  /** DOCKER_HOST form; undefined: the default socket. */
  readonly dockerHost?: string;
}

export function readMembership(dataDir: string): Membership | undefined {
  try {
    const m = JSON.parse(readFileSync(membershipFile(dataDir), 'utf8')) as Partial<Membership>;
    if (typeof m.clusterId !== 'string' || !/^[a-z0-9]{1,64}$/.test(m.clusterId)) return undefined;
    return { clusterId: m.clusterId, ...(typeof m.dockerHost === 'string' ? { dockerHost: m.dockerHost } : {}) };
  } catch {
    return undefined;
  }
}

export function writeMembership(dataDir: string, m: Membership): void {
  mkdirSync(dataDir, { recursive: true });
  const f = membershipFile(dataDir);
  writeFileSync(`${f}.tmp`, JSON.stringify(m) + '\n');
  renameSync(`${f}.tmp`, f);
}
