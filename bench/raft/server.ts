/**
 * One Raft member as its own process, for the multi-process test and the
 * benchmark: Raft over TCP on --raft, a client port on --client speaking
 * length-prefixed JSON ({id, op, client, seq, key, value} -> {id, ok, ...}).
 * Usage: node dist/bench/raft/server.js --id a --dir D --raft 127.0.0.1:P
 *          --client 127.0.0.1:Q --peers a=host:p,b=... [--fsync 0]
 */
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { FrameDecoder, RaftHost, TcpTransport, frame, splitAddr } from '../../libs/raft/src/host';
import { BenchKv } from './kv-machine';

function arg(name: string, def = ''): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
}

interface Req {
  id: number;
  op: 'put' | 'append' | 'get' | 'status';
  client: string;
  seq: number;
  key: string;
  value?: string;
}

async function main(): Promise<void> {
  const id = arg('id');
  const peers = Object.fromEntries(arg('peers').split(',').map((p) => p.split('=') as [string, string]));
  const transport = new TcpTransport({ listen: arg('raft') });
  await transport.listen();
  const kv = new BenchKv();
  const host = new RaftHost({
    id,
    dir: arg('dir'),
    transport,
    stateMachine: kv,
    bootstrap: peers,
    fsync: arg('fsync', '1') !== '0',
    tickMs: Number(arg('tick', '50')),
    snapshotEvery: 20_000,
    raft: { maxInflightMsgs: 64 },
  });
  host.start();

  const reply = (s: Socket, o: unknown): void => {
    if (!s.destroyed) s.write(frame(Buffer.from(JSON.stringify(o))));
  };
  const server = createServer((s) => {
    s.setNoDelay(true);
    const dec = new FrameDecoder(1 << 20);
    s.on('error', () => undefined);
    s.on('data', (chunk: Buffer) =>
      dec.push(chunk, (body) => {
        const r = JSON.parse(body.toString('utf8')) as Req;
        const st = host.status();
        if (r.op === 'status') return reply(s, { id: r.id, ok: true, role: st.role, leader: st.leader, term: st.term });
        if (st.role !== 'leader') return reply(s, { id: r.id, ok: false, err: 'not_leader', leader: st.leader });
        if (r.op === 'get') {
          host.readBarrier().then(
            () => reply(s, { id: r.id, ok: true, value: kv.data.get(r.key) ?? '' }),
            (e: Error) => reply(s, { id: r.id, ok: false, err: e.message }),
          );
          return;
        }
        host.propose(`${r.op}|${r.client}|${r.seq}|${r.key}|${r.value ?? ''}`).then(
          (res) => reply(s, { id: r.id, ok: true, index: res.index }),
          (e: Error) => reply(s, { id: r.id, ok: false, err: e.message }),
        );
      }),
    );
  });
  const [h, p] = splitAddr(arg('client'));
  server.listen(p, h, () => process.stdout.write(`ready ${id}\n`));
  process.on('SIGTERM', () => {
    void host.stop().then(() => process.exit(0));
  });
}

void main();
