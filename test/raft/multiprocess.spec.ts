import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLinearizable, kvModel } from '@flotilla/raft';
import type { KvInput, KvOutput, Operation } from '@flotilla/raft';
import { ClusterClient } from '../../bench/raft/client';
import { ProcessCluster } from '../../bench/raft/procs';

/**
 * Three real processes over TCP on loopback, fsync on, clients appending and
 * reading while the leader is SIGKILLed again and again: no acknowledged
 * write may be lost or doubled, and the history must be linearizable.
 */
const ROOT = resolve(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'dist', 'bench', 'raft', 'server.js');

describe('raft: three processes, leader killed repeatedly', () => {
  let dir = '';
  let cluster: ProcessCluster;

  beforeAll(async () => {
    // The servers run from dist: compile just the raft library and its bench entry.
    execFileSync('npx', ['swc', 'libs/raft', 'bench/raft', '-d', 'dist', '-q', '--ignore', '**/*.spec.ts'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'raft-mp-'));
    cluster = new ProcessCluster(['a', 'b', 'c'], dir, SCRIPT, ['--tick', '30']);
    await cluster.init();
    await Promise.all(cluster.ids.map((id) => cluster.start(id)));
  });

  afterAll(async () => {
    await cluster?.stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged write and stays linearizable', async () => {
    const history: Operation<KvInput, KvOutput>[] = [];
    const acked = new Set<string>();
    const attempted = new Set<string>();
    // Many keys keep each key's history, and the checker's search over it, small.
    const keys = Array.from({ length: 24 }, (_, i) => `k${i}`);
    let stop = false;
    const worker = async (name: string): Promise<void> => {
      const cli = new ClusterClient(cluster.client, 800);
      let seq = 0;
      while (!stop) {
        seq++;
        const key = keys[seq % keys.length];
        const isGet = Math.random() < 0.3;
        const value = `${name}.${seq};`;
        const input: KvInput = { op: isGet ? 'get' : 'append', key, value: isGet ? '' : value };
        const call = performance.now();
        if (!isGet) attempted.add(value);
        const r = await cli.call({ op: input.op, client: name, seq, key, value: input.value }, 15_000);
        const ret = performance.now();
        if (r.ok) {
          history.push({ call, ret, input, output: { value: r.value ?? '' } });
          if (!isGet) acked.add(value);
        } else if (!isGet) history.push({ call, ret: Infinity, input, output: { value: '' } });
      }
      cli.close();
    };
    const admin = new ClusterClient(cluster.client, 500);
    const workers = Array.from({ length: 6 }, (_, i) => worker(`w${i}`));
    let kills = 0;
    for (let round = 0; round < 5; round++) {
      await new Promise((r) => setTimeout(r, 1500));
      let leader: string | null = null;
      for (const id of cluster.ids) {
        if (!cluster.pid(id)) continue;
        const s = await admin.once(id, { op: 'status' });
        if (s.ok && s.role === 'leader') leader = id;
      }
      if (!leader) continue;
      await cluster.kill(leader);
      kills++;
      await new Promise((r) => setTimeout(r, 700));
      await cluster.start(leader);
    }
    await new Promise((r) => setTimeout(r, 1500));
    stop = true;
    await Promise.all(workers);
    // Final linearizable reads of every key.
    const finals = new Map<string, string>();
    const finalRet = new Map<string, number>();
    for (const key of keys) {
      const call = performance.now();
      const r = await admin.call({ op: 'get', client: 'final', seq: 0, key }, 20_000);
      expect(r.ok).toBe(true);
      finals.set(key, r.value ?? '');
      const ret = performance.now();
      finalRet.set(key, ret);
      history.push({ call, ret, input: { op: 'get', key, value: '' }, output: { value: r.value ?? '' } });
    }
    admin.close();
    // An append whose outcome the client never learnt (ret = Infinity) can sit anywhere after its
    // call, which makes the search exponential. Values are unique and appends are never undone, so
    // the final reads settle it: absent, it never happened and leaves the history; present, it
    // happened before the final read of its key returned, which bounds its return.
    const applied = new Set([...finals.values()].join('').split(';').filter(Boolean).map((x) => `${x};`));
    const settled = history.flatMap((o) => {
      if (o.ret !== Infinity || o.input.op !== 'append') return [o];
      return applied.has(o.input.value) ? [{ ...o, ret: finalRet.get(o.input.key)! }] : [];
    });
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(acked.size).toBeGreaterThan(50);
    const all = [...finals.values()].join('').split(';').filter(Boolean).map((x) => `${x};`);
    const counts = new Map<string, number>();
    for (const v of all) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const v of acked) expect(counts.get(v), `acknowledged ${v} lost`).toBe(1);
    for (const [v, n] of counts) {
      expect(n, `${v} applied twice`).toBe(1);
      expect(attempted.has(v)).toBe(true);
    }
    const lin = checkLinearizable(kvModel, settled, 2_000_000, 60_000);
    expect(lin, 'linearizability (unknown = the checker ran out of its 60 s budget)').toEqual({ ok: true });
    console.log(`raft multiprocess: ${kills} leader kills, ${acked.size} acknowledged appends, ${settled.length} operations checked`);
  });
});
