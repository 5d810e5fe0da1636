import { afterEach, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { DnsServer } from './dns-server';
import { NameTable } from './name-table';

const table = NameTable.from([{ networkId: 'n', peers: [], services: [{ serviceId: 's', names: ['app_web', 'web'], addresses: ['10.1.0.2', '10.1.0.3'] }] }], []);

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  s.close();
  return port;
}

function ask(port: number, name: string, type: 'A' | 'AAAA' = 'A'): Promise<dnsPacket.DecodedPacket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    const t = setTimeout(() => (s.close(), reject(new Error('no answer'))), 4000);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(dnsPacket.decode(m));
    });
    s.send(dnsPacket.encode({ type: 'query', id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] }), port, '127.0.0.1');
  });
}

describe('DnsServer (real UDP on loopback)', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((c) => c()));

  async function start(upstreams: string[]) {
    const port = await freeUdpPort();
    const server = new DnsServer(() => table, () => upstreams, port);
    closers.push(() => server.close());
    expect(await Promise.all([server.serve('n', '127.0.0.1'), server.serve('n', '127.0.0.1')])).toEqual([true, true]);
    return port;
  }

  it('answers service names and tasks.<name> with every task address, TTL 0', async () => {
    const port = await start([]);
    for (const name of ['web', 'tasks.app_web']) {
      const r = await ask(port, name);
      expect(r.id).toBe(7);
      expect(r.flags! & 0xf).toBe(0); // NOERROR
      expect(r.flag_aa).toBe(true);
      expect(r.answers?.map((a) => [a.type, 'data' in a ? a.data : undefined, 'ttl' in a ? a.ttl : undefined])).toEqual([
        ['A', '10.1.0.2', 0],
        ['A', '10.1.0.3', 0],
      ]);
    }
    expect((await ask(port, 'web', 'AAAA')).answers).toEqual([]);
  });

  it('passes other names to the upstream resolver, and answers SERVFAIL when there is none', async () => {
    const upstream: Socket = createSocket('udp4');
    await new Promise<void>((r) => upstream.bind(0, '127.0.0.1', r));
    closers.push(() => upstream.close());
    upstream.on('message', (m, from) => {
      const q = dnsPacket.decode(m);
      const a = dnsPacket.encode({ id: q.id, type: 'response', questions: q.questions, answers: [{ type: 'A', name: q.questions![0].name, data: '192.0.2.1' }] });
      upstream.send(a, from.port, from.address);
    });
    const port = await start([`127.0.0.1:${upstream.address().port}`]);
    const r = await ask(port, 'example.com');
    expect(r.answers?.map((a) => ('data' in a ? a.data : undefined))).toEqual(['192.0.2.1']);

    const lonely = await start([]);
    expect((await ask(lonely, 'example.com')).flags! & 0xf).toBe(2); // SERVFAIL
  });
});
