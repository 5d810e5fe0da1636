import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Service, SwarmNode, Task } from '@flotilla/contracts';
import { nodeTable, serviceTable, taskTable } from './swarm-format';

/**
 * Golden tests from ../shared/docker-api/traces.jsonl: the docker CLI's own
 * output for the very responses recorded, printed again by flotilla's formatter.
 */
interface Exchange {
  method: string;
  path: string;
  respBody: unknown;
  respHeaders: Record<string, string>;
}
interface Trace {
  command: string;
  output: string;
  exchanges: Exchange[];
}

const file = resolve(__dirname, '../../../../../shared/docker-api/traces.jsonl');
const traces: Trace[] = existsSync(file)
  ? readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Trace)
  : [];
const trace = (cmd: string) => traces.find((t) => t.command === cmd)!;
const resp = <T>(t: Trace, method: string, path: RegExp) => t.exchanges.find((e) => e.method === method && path.test(e.path))!.respBody as T;

describe.skipIf(traces.length === 0)('docker-shaped tables match the recorded docker CLI output', () => {
  it('service ls', () => {
    const t = trace('docker service ls');
    expect(serviceTable(resp<Service[]>(t, 'GET', /\/services\?status=true/))).toBe(t.output);
  });

  it('node ls', () => {
    const t = trace('docker node ls');
    const nodes = resp<SwarmNode[]>(t, 'GET', /\/nodes$/);
    const info = resp<{ Swarm: { NodeID: string } }>(t, 'GET', /\/info$/);
    expect(nodeTable(nodes, info.Swarm.NodeID)).toBe(t.output);
  });

  it.each(['docker service ps --no-trunc web', 'docker stack ps st', 'docker service ps imp'])('%s', (cmd) => {
    const t = trace(cmd);
    const tasksEx = t.exchanges.filter((e) => e.method === 'GET' && /\/tasks\?/.test(e.path));
    const tasks = tasksEx.flatMap((e) => e.respBody as Task[]);
    const services = t.exchanges
      .filter((e) => e.method === 'GET' && /\/services/.test(e.path))
      .flatMap((e) => (Array.isArray(e.respBody) ? e.respBody : [e.respBody]) as Service[]);
    const nodes = t.exchanges.filter((e) => e.method === 'GET' && /\/nodes/.test(e.path)).flatMap((e) => (Array.isArray(e.respBody) ? e.respBody : [e.respBody]) as SwarmNode[]);
    // The CLI measured "ago" a moment after its last request, but Date headers hold whole seconds only.
    // The `service ps web` rows themselves pin that moment to .705-.724 s past the header's second
    // (task web.4 shows 9 s, web.5 8 s); the other recordings agree with the same offset.
    const now = Date.parse(t.exchanges[t.exchanges.length - 1].respHeaders.Date) + 710;
    const noTrunc = cmd.includes('--no-trunc');
    expect(taskTable(tasks, new Map(services.map((s) => [s.ID, s])), new Map(nodes.map((n) => [n.ID, n])), now, { noTrunc })).toBe(t.output);
  });
});
