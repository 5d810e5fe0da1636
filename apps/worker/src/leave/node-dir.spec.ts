import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMembership, writeNodeId } from '../agent/identity';
import { hasManagerState, hasNodeState, nodeIdentity, wipeNodeDir } from './node-dir';

describe('a node data dir', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'flotilla-nodedir-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("a worker's: its id, cluster and engine", () => {
    const d = dir();
    writeNodeId(d, 'w1');
    writeMembership(d, { clusterId: 'c1', dockerHost: 'unix:///x.sock' });
    expect(nodeIdentity(d)).toEqual({ nodeIds: ['w1'], clusterIds: ['c1'], engine: { dockerHost: 'unix:///x.sock' } });
    expect(hasManagerState(d)).toBe(false);
    expect(hasNodeState(d)).toBe(true);
  });

  it("a manager's: its embedded worker under worker/; no recorded engine is the default socket", () => {
    const d = dir();
    mkdirSync(join(d, 'raft'));
    writeNodeId(join(d, 'worker'), 'm1');
    writeMembership(join(d, 'worker'), { clusterId: 'c1' });
    expect(nodeIdentity(d)).toEqual({ nodeIds: ['m1'], clusterIds: ['c1'], engine: { dockerHost: undefined } });
    expect(hasManagerState(d)).toBe(true);
  });

  it('without a membership, the engine is not known (the caller decides)', () => {
    const d = dir();
    writeNodeId(d, 'w1');
    expect(nodeIdentity(d).engine).toBeUndefined();
  });

  it("wiping empties a node's dir and keeps the dir", () => {
    const d = dir();
    mkdirSync(join(d, 'raft'));
    writeNodeId(join(d, 'worker'), 'm1');
    writeFileSync(join(d, 'manager.log'), 'x');
    wipeNodeDir(d);
    expect(readdirSync(d)).toEqual([]);
    expect(hasNodeState(d)).toBe(false);
  });

  it('a dir that holds no node state is never touched (a mistyped --data-dir)', () => {
    const d = dir();
    writeFileSync(join(d, 'precious.txt'), 'keep me');
    wipeNodeDir(d);
    expect(readdirSync(d)).toEqual(['precious.txt']);
  });
});
