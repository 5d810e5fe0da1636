import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Counter, Registry } from 'prom-client';
import type { Server } from 'node:http';
import { parseMetricsAddr, serveMetrics } from './metrics-server';

describe('parseMetricsAddr', () => {
  it.each([
    ['127.0.0.1:9323', { host: '127.0.0.1', port: 9323 }],
    [':9323', { host: '0.0.0.0', port: 9323 }],
    ['9323', { host: '0.0.0.0', port: 9323 }],
    ['[::1]:9323', { host: '::1', port: 9323 }],
  ])('%s', (addr, want) => expect(parseMetricsAddr(addr)).toEqual(want));

  it.each(['', 'host', '127.0.0.1:0', '127.0.0.1:70000', 'a:b'])('refuses %j', (addr) => expect(() => parseMetricsAddr(addr)).toThrow('invalid --metrics-addr'));
});

describe('serveMetrics', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  const freePort = () =>
    new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });

  it('answers /metrics from its registry, and nothing else', async () => {
    const registry = new Registry();
    new Counter({ name: 'flotilla_test_things_total', help: 'things', registers: [registry] }).inc(3);
    const port = await freePort();
    server = await serveMetrics(registry, `127.0.0.1:${port}`);
    const ok = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
    expect(await ok.text()).toContain('flotilla_test_things_total 3');
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
  });

  it('fails clearly when the address is taken', async () => {
    const port = await freePort();
    server = await serveMetrics(new Registry(), `127.0.0.1:${port}`);
    await expect(serveMetrics(new Registry(), `127.0.0.1:${port}`)).rejects.toThrow(`cannot serve metrics on 127.0.0.1:${port}`);
  });
});
