import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, FrameDecoder } from './codec';
import { MemoryHub } from './memory-transport';
import { RaftHost } from './raft-host';
import type { StateMachine } from './raft-host';
import { TcpTransport } from './tcp-transport';
import { forceNewCluster } from './force-new-cluster';
import * as net from 'node:net';
import type { Message } from '../core/messages';

class ListMachine implements StateMachine {
  items: string[] = [];
  apply(_i: number, data: Uint8Array | string): unknown {
    this.items.push(String(data));
    return this.items.length;
  }
  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(this.items));
  }
  restore(d: Uint8Array): void {
    this.items = d.byteLength ? (JSON.parse(new TextDecoder().decode(d)) as string[]) : [];
  }
}

const dirs: string[] = [];
const hosts: RaftHost[] = [];
afterEach(async () => {
  for (const h of hosts.splice(0)) await h.stop().catch(() => undefined);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function until(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('codec', () => {
  it('round-trips every field of an append with string and byte entries', () => {
    const m: Message = {
      type: 'app',
      from: 'a',
      to: 'b',
      term: 3,
      index: 10,
      logTerm: 2,
      commit: 9,
      entries: [
        { index: 11, term: 3, type: 'normal', data: 'héllo' },
        { index: 12, term: 3, type: 'conf', data: new Uint8Array([1, 2, 255]) },
      ],
    };
    const f = encodeMessage(m);
    const got: Message[] = [];
    new FrameDecoder().push(f, (b) => got.push(decodeMessage(b)));
    expect(got).toEqual([m]);
  });

  it.each([1, 3, 7, 65_536])('reassembles frames cut into %s-byte chunks, whatever the cut', (size) => {
    const big = { type: 'app', from: 'a', to: 'b', term: 1, index: 0, logTerm: 0, commit: 0, entries: [{ index: 1, term: 1, type: 'normal', data: 'x'.repeat(300_000) }] } as Message;
    const small = { type: 'heartbeat', from: 'a', to: 'b', term: 1, commit: 0, context: '' } as Message;
    const stream = Buffer.concat([encodeMessage(small), encodeMessage(big), encodeMessage(small), encodeMessage(small)]);
    const got: Message[] = [];
    const dec = new FrameDecoder();
    // Cut 1-byte chunks only through the small frames: 300k pushes of one byte would be slow, not wrong.
    const cut = size < 8 ? Math.max(size, 4096) : size;
    for (let at = 0; at < stream.length; ) {
      const n = at < 40 || at > stream.length - 200 ? size : cut;
      dec.push(stream.subarray(at, at + n), (b) => got.push(decodeMessage(b)));
      at += n;
    }
    expect(got).toEqual([small, big, small, small]);
  });

  it('rejects a frame above the size limit', () => {
    const f = encodeMessage({ type: 'snap', from: 'a', to: 'b', term: 1, meta: { index: 1, term: 1, conf: { voters: [], learners: [] } }, offset: 0, total: 2000, data: new Uint8Array(2000) });
    expect(() => new FrameDecoder(1000).push(f, () => undefined)).toThrow(/exceeds/);
  });
});

describe('RaftHost', () => {
  function start(ids: string[], hub: MemoryHub, id: string, dir: string, sm: StateMachine): RaftHost {
    const h = new RaftHost({
      id,
      dir,
      transport: hub.connect(id),
      stateMachine: sm,
      bootstrap: Object.fromEntries(ids.map((x) => [x, x])),
      tickMs: 10,
      fsync: false,
      snapshotEvery: 20,
      snapshotRetain: 2,
    });
    h.start();
    hosts.push(h);
    return h;
  }

  it('three hosts on the memory transport elect, replicate, survive a leader stop and restart from disk', async () => {
    const ids = ['a', 'b', 'c'];
    const hub = new MemoryHub();
    const base = mkdtempSync(join(tmpdir(), 'raft-host-'));
    dirs.push(base);
    const sms = new Map(ids.map((id) => [id, new ListMachine()]));
    const hs = new Map(ids.map((id) => [id, start(ids, hub, id, join(base, id), sms.get(id) as ListMachine)]));
    await until(() => [...hs.values()].some((h) => h.isLeader()));
    const leader = [...hs.values()].find((h) => h.isLeader()) as RaftHost;
    for (let i = 0; i < 50; i++) await leader.propose(`v${i}`);
    // A follower's proposal is forwarded and resolves where it was made.
    const follower = [...hs.values()].find((h) => !h.isLeader()) as RaftHost;
    const r = await follower.propose('from-follower');
    expect(r.index).toBeGreaterThan(50);
    await follower.readBarrier();
    expect(sms.get(follower.status().id)?.items).toContain('from-follower');
    const lid = leader.status().id;
    await leader.stop();
    await until(() => [...hs.entries()].some(([id, h]) => id !== lid && h.isLeader()));
    const l2 = [...hs.entries()].find(([id, h]) => id !== lid && h.isLeader())?.[1] as RaftHost;
    await l2.propose('after');
    // Restart the old leader from its directory: snapshot + WAL.
    const sm = new ListMachine();
    const back = start(ids, hub, lid, join(base, lid), sm);
    await until(() => sm.items.includes('after'));
    expect(sm.items.filter((x) => x.startsWith('v'))).toHaveLength(50);
    expect(back.status().applied).toBeGreaterThan(50);
  });

  it('reports proposal times, WAL syncs and the snapshot size to its observer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raft-host-'));
    dirs.push(dir);
    const opts = { id: 'a', dir, bootstrap: { a: 'a' }, tickMs: 10, fsync: true, snapshotEvery: 20, snapshotRetain: 2 };
    const sm = new ListMachine();
    const h = new RaftHost({ ...opts, transport: new MemoryHub().connect('a'), stateMachine: sm });
    hosts.push(h);
    const seen = { ok: 0, error: 0, syncs: 0 };
    h.observer = { proposal: (s, outcome) => (expect(s).toBeGreaterThanOrEqual(0), seen[outcome]++), walSync: () => seen.syncs++ };
    h.start();
    await until(() => h.isLeader());
    expect(h.snapshotBytes()).toBe(0);
    for (let i = 0; i < 25; i++) await h.propose(`v${i}`);
    expect(seen.ok).toBe(25);
    // A one-member cluster syncs before each commit.
    expect(seen.syncs).toBeGreaterThanOrEqual(25);
    const size = h.snapshotBytes();
    expect(size).toBeGreaterThan(0);
    await h.stop();
    await expect(h.propose('late')).rejects.toThrow();
    expect(seen.error).toBe(1);
    // Restarted from disk, the member knows the size of the snapshot it loaded.
    const back = new RaftHost({ ...opts, transport: new MemoryHub().connect('a'), stateMachine: new ListMachine() });
    hosts.push(back);
    expect(back.snapshotBytes()).toBe(size);
  });

  it('answers a proposal only after an fsync that began after it, and one fsync carries a burst of proposals', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raft-group-'));
    dirs.push(dir);
    const opts = { id: 'a', dir, bootstrap: { a: 'a' }, tickMs: 10, fsync: true };
    const h = new RaftHost({ ...opts, transport: new MemoryHub().connect('a'), stateMachine: new ListMachine() });
    hosts.push(h);
    let syncs = 0;
    h.observer = { walSync: () => syncs++ };
    h.start();
    await until(() => h.isLeader());
    const early: number[] = [];
    const burst = Array.from({ length: 200 }, (_, i) => {
      const before = syncs;
      // Resolved while no sync completed since the call: the write was acknowledged before it was durable.
      return h.propose(`b${i}`).then(() => syncs === before && early.push(i));
    });
    const syncsBefore = syncs;
    await Promise.all(burst);
    expect(early).toEqual([]);
    expect(syncs - syncsBefore).toBeGreaterThan(0);
    expect(syncs - syncsBefore).toBeLessThan(20);
    await h.stop();
    // Everything answered is on disk.
    const sm = new ListMachine();
    const back = new RaftHost({ ...opts, transport: new MemoryHub().connect('a'), stateMachine: sm });
    hosts.push(back);
    back.start();
    await until(() => sm.items.length >= 200);
    expect(sm.items.slice(-200)).toEqual(Array.from({ length: 200 }, (_, i) => `b${i}`));
  });

  it('applies a burst of committed entries in slices: timers run between them, order, answers and snapshots kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raft-slices-'));
    dirs.push(dir);
    const opts = { id: 'a', dir, bootstrap: { a: 'a' }, tickMs: 10, fsync: true, snapshotEvery: 50, snapshotRetain: 2 };
    let ticks = 0;
    /** Each apply takes a millisecond and notes how many timer ticks ran before it. */
    class SlowMachine extends ListMachine {
      seenTicks: number[] = [];
      override apply(i: number, data: Uint8Array | string): unknown {
        const t0 = performance.now();
        while (performance.now() - t0 < 1);
        this.seenTicks.push(ticks);
        return super.apply(i, data);
      }
    }
    const sm = new SlowMachine();
    const h = new RaftHost({ ...opts, transport: new MemoryHub().connect('a'), stateMachine: sm });
    hosts.push(h);
    h.start();
    await until(() => h.isLeader());
    const timer = setInterval(() => ticks++, 1);
    const start = sm.items.length;
    // One turn's proposals: one append, one sync, then all of them committed in one Ready.
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => h.propose(`s${i}`)));
    clearInterval(timer);
    expect(sm.items.slice(start)).toEqual(Array.from({ length: 150 }, (_, i) => `s${i}`));
    expect(answers.map((a) => a.result)).toEqual(Array.from({ length: 150 }, (_, i) => start + i + 1));
    const seen = sm.seenTicks.slice(start);
    // Applied at once, no timer would have run between the first entry and the last.
    expect(seen[seen.length - 1] - seen[0]).toBeGreaterThanOrEqual(3);
    expect(h.snapshotBytes()).toBeGreaterThan(0);
    await h.stop();
    const back = new ListMachine();
    const again = new RaftHost({ ...opts, transport: new MemoryHub().connect('a'), stateMachine: back });
    hosts.push(again);
    again.start();
    await until(() => back.items.length >= start + 150);
    expect(back.items.slice(-150)).toEqual(sm.items.slice(-150));
  });

  it('adds a joining member as a learner, promotes it, and removes an old one', async () => {
    const ids = ['a', 'b', 'c'];
    const hub = new MemoryHub();
    const base = mkdtempSync(join(tmpdir(), 'raft-join-'));
    dirs.push(base);
    for (const id of ids) start(ids, hub, id, join(base, id), new ListMachine());
    await until(() => hosts.some((h) => h.isLeader()));
    const leader = hosts.find((h) => h.isLeader()) as RaftHost;
    for (let i = 0; i < 30; i++) await leader.propose(`x${i}`);
    const sm = new ListMachine();
    const d = new RaftHost({ id: 'd', dir: join(base, 'd'), transport: hub.connect('d'), stateMachine: sm, peers: { a: 'a', b: 'b', c: 'c' }, tickMs: 10, fsync: false });
    d.start();
    hosts.push(d);
    await leader.changeMembership({ type: 'addLearner', node: 'd', context: 'd' });
    await until(() => sm.items.length === 30);
    await leader.changeMembership({ type: 'addVoter', node: 'd', context: 'd' });
    const victim = ids.find((x) => x !== leader.status().id) as string;
    await leader.changeMembership({ type: 'remove', node: victim });
    const r = await leader.propose('after-change');
    await until(() => sm.items.includes('after-change'));
    expect(r.index).toBeGreaterThan(30);
  });

  it('rejects a deposed leader\'s proposal as soon as another entry takes its slot', async () => {
    const ids = ['a', 'b', 'c'];
    const hub = new MemoryHub();
    const base = mkdtempSync(join(tmpdir(), 'raft-dep-'));
    dirs.push(base);
    for (const id of ids) start(ids, hub, id, join(base, id), new ListMachine());
    await until(() => hosts.some((h) => h.isLeader()));
    const old = hosts.find((h) => h.isLeader()) as RaftHost;
    const oid = old.status().id;
    for (const o of ids) if (o !== oid) hub.cut.add(`${oid}->${o}`).add(`${o}->${oid}`);
    const lost = old.propose('doomed');
    await until(() => hosts.some((h) => h !== old && h.isLeader()));
    const fresh = hosts.find((h) => h !== old && h.isLeader()) as RaftHost;
    for (let i = 0; i < 3; i++) await fresh.propose(`n${i}`);
    const t0 = Date.now();
    hub.cut.clear();
    await expect(lost).rejects.toThrow(/overwritten|timeout/);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('works over TCP on loopback', async () => {
    const ids = ['a', 'b', 'c'];
    const base = mkdtempSync(join(tmpdir(), 'raft-tcp-'));
    dirs.push(base);
    const ts = ids.map(() => new TcpTransport({ listen: '127.0.0.1:0' }));
    const addr: Record<string, string> = {};
    for (let i = 0; i < 3; i++) addr[ids[i]] = await ts[i].listen();
    const sms = ids.map(() => new ListMachine());
    for (let i = 0; i < 3; i++) {
      const t = ts[i];
      const h = new RaftHost({ id: ids[i], dir: join(base, ids[i]), transport: t, stateMachine: sms[i], bootstrap: addr, tickMs: 20, fsync: false });
      h.start();
      hosts.push(h);
    }
    await until(() => hosts.some((h) => h.isLeader()));
    const leader = hosts.find((h) => h.isLeader()) as RaftHost;
    await Promise.all(Array.from({ length: 100 }, (_, i) => leader.propose(`t${i}`)));
    await until(() => sms.every((s) => s.items.length === 100));
  });

  it('the TCP transport reports a peer whose connection closes (its process died), and not one it removed', async () => {
    const a = new TcpTransport({ listen: '127.0.0.1:0' });
    const b = new TcpTransport({ listen: '127.0.0.1:0' });
    const c = new TcpTransport({ listen: '127.0.0.1:0' });
    const [, bAddr, cAddr] = [await a.listen(), await b.listen(), await c.listen()];
    const got: Message[] = [];
    b.onMessage((m) => got.push(m));
    c.onMessage((m) => got.push(m));
    const lost: string[] = [];
    a.onPeerLost((id) => lost.push(id));
    a.setPeer('b', bAddr);
    a.setPeer('c', cAddr);
    // A peer that never answers is not "lost" on every refused retry: only a connection that was up counts.
    const down = new TcpTransport({ listen: '127.0.0.1:0' });
    const downAddr = await down.listen();
    await down.close();
    a.setPeer('d', downAddr);
    const hb = (to: string): Message => ({ type: 'heartbeat', from: 'a', to, term: 1, commit: 0, context: '' });
    a.send([hb('b'), hb('c'), hb('d')]);
    await until(() => got.length === 2);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 120));
      a.send([hb('d')]);
    }
    expect(lost).toEqual([]);
    a.removePeer('c');
    await c.close();
    await b.close();
    await until(() => lost.length > 0);
    await new Promise((r) => setTimeout(r, 100));
    expect(lost).toEqual(['b']);
    await a.close();
  });

  it('a survivor of a lost majority starts a one-member cluster with everything its log held', async () => {
    const ids = ['a', 'b', 'c'];
    const hub = new MemoryHub();
    const base = mkdtempSync(join(tmpdir(), 'raft-force-'));
    dirs.push(base);
    const sms = new Map(ids.map((id) => [id, new ListMachine()]));
    for (const id of ids) start(ids, hub, id, join(base, id), sms.get(id) as ListMachine);
    await until(() => hosts.some((h) => h.isLeader()));
    const leader = hosts.find((h) => h.isLeader()) as RaftHost;
    // Enough writes for a snapshot (every 20) plus a WAL tail after it.
    for (let i = 0; i < 45; i++) await leader.propose(`w${i}`);
    const survivor = ids.find((x) => x !== leader.status().id) as string;
    await until(() => (sms.get(survivor) as ListMachine).items.length === 45);
    for (const h of hosts.splice(0)) await h.stop();
    const sm = new ListMachine();
    const at = forceNewCluster(join(base, survivor), join(base, 'new'), survivor, sm);
    expect(sm.items).toHaveLength(45);
    expect(at.index).toBeGreaterThanOrEqual(45);
    const fresh = new ListMachine();
    const h = new RaftHost({ id: survivor, dir: join(base, 'new'), transport: new MemoryHub().connect(survivor), stateMachine: fresh, tickMs: 10, fsync: false });
    h.start();
    hosts.push(h);
    await until(() => h.isLeader());
    expect(h.membership().voters).toEqual([survivor]);
    await h.propose('after-recovery');
    expect(fresh.items.slice(0, 45)).toEqual(sm.items);
    expect(fresh.items.at(-1)).toBe('after-recovery');
  });

  it('shares a port: an outbound preamble, and sockets handed over by another server', async () => {
    const ids = ['a', 'b', 'c'];
    const base = mkdtempSync(join(tmpdir(), 'raft-pre-'));
    dirs.push(base);
    const servers: net.Server[] = [];
    const addr: Record<string, string> = {};
    const ts: TcpTransport[] = [];
    const seen: string[] = [];
    for (const id of ids) {
      const t = new TcpTransport({ listen: '127.0.0.1:0', preamble: (peer) => `HELLO ${id}->${peer}\n` });
      ts.push(t);
      // Stands in for an HTTP server's upgrade: read one line, then hand the rest over.
      const srv = net.createServer((s) => {
        let buf = Buffer.alloc(0);
        const onData = (d: Buffer) => {
          buf = Buffer.concat([buf, d]);
          const nl = buf.indexOf(10);
          if (nl < 0) return;
          s.off('data', onData);
          seen.push(buf.subarray(0, nl).toString());
          t.acceptSocket(s, buf.subarray(nl + 1));
        };
        s.on('data', onData);
      });
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      servers.push(srv);
      addr[id] = `127.0.0.1:${(srv.address() as net.AddressInfo).port}`;
    }
    const sms = ids.map(() => new ListMachine());
    ids.forEach((id, i) => {
      const h = new RaftHost({ id, dir: join(base, id), transport: ts[i], stateMachine: sms[i], bootstrap: addr, tickMs: 20, fsync: false });
      h.start();
      hosts.push(h);
    });
    await until(() => hosts.some((h) => h.isLeader()));
    const leader = hosts.find((h) => h.isLeader()) as RaftHost;
    await Promise.all(Array.from({ length: 20 }, (_, i) => leader.propose(`p${i}`)));
    await until(() => sms.every((s) => s.items.length === 20));
    expect(seen.some((l) => /^HELLO [abc]->[abc]$/.test(l))).toBe(true);
    for (const s of servers) s.close();
  });
});
