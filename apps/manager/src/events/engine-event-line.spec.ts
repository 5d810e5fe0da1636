import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventMessage } from '@flotilla/contracts';
import { engineEvent, lineSplitter } from './engine-event-line';

const docker = JSON.parse(readFileSync(resolve(__dirname, '../../../../test/docker-cli/events.docker.json'), 'utf8')) as {
  swarmEvents: { events: EventMessage[] };
  taskContainerStartDie: { events: EventMessage[] };
};
const startLine = JSON.stringify(docker.taskContainerStartDie.events[0]).replace(/"timeNano":\d+/, '"timeNano":1796357579734630117');

describe('engineEvent', () => {
  it('keeps a local event as the engine sent it, with its exact nanoseconds', () => {
    const e = engineEvent(startLine)!;
    expect(e.nanos).toBe(1796357579734630117n);
    expect(e.message).toMatchObject({ status: 'start', Type: 'container', Action: 'start', scope: 'local', from: 'flotilla/busybox:latest' });
  });
  it('drops swarm-scope events (an engine in swarm mode would repeat the cluster) and junk', () => {
    expect(engineEvent(JSON.stringify(docker.swarmEvents.events[0]))).toBeUndefined();
    expect(engineEvent('not json')).toBeUndefined();
    expect(engineEvent('null')).toBeUndefined();
  });
});

describe('lineSplitter', () => {
  it('joins lines cut across chunks and skips blank ones', () => {
    const lines: string[] = [];
    const push = lineSplitter((l) => lines.push(l));
    push('{"a":1}\n{"b"');
    push(':2}\n\n');
    push(Buffer.from('{"c":3}'));
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    push('\n');
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });
});
