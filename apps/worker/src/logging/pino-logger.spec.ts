import { Logger } from '@nestjs/common';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './pino-logger';
import { parseLogLevel } from './log-level';
import type { LogLevel } from './log-level';

/** A stream that keeps the lines written to it. */
function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return Object.assign(stream, { lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) });
}

function make(level: LogLevel = 'debug', node?: string) {
  const out = sink();
  const err = sink();
  return { out, err, logger: createLogger({ level, node, out, errOut: err, pretty: false }) };
}

describe('PinoLogger', () => {
  it('writes one JSON line per call, the fields at top level with component and node', () => {
    const { out, logger } = make('info', 'node1');
    logger.log({ msg: 'task started', taskId: 't1', serviceId: 's1' }, 'AgentService');
    expect(out.lines).toHaveLength(1);
    expect(out.json()[0]).toMatchObject({ level: 30, msg: 'task started', taskId: 't1', serviceId: 's1', component: 'AgentService', node: 'node1' });
    expect(out.json()[0]).not.toHaveProperty('message');
  });

  it('takes the calls of a Nest Logger (new Logger(Name)) with their context', () => {
    const { out, err, logger } = make('debug', 'n2');
    const log = new Logger('Dispatcher');
    Logger.overrideLogger(logger);
    try {
      log.log({ msg: 'rang', nodeId: 'w1', version: 7 });
      log.warn('slow');
      log.error({ msg: 'failed', err: new Error('boom') });
    } finally {
      Logger.overrideLogger(false);
    }
    expect(out.json()).toMatchObject([
      { level: 30, component: 'Dispatcher', node: 'n2', msg: 'rang', nodeId: 'w1', version: 7 },
      { level: 40, component: 'Dispatcher', msg: 'slow' },
    ]);
    expect(err.json()).toMatchObject([{ level: 50, component: 'Dispatcher', msg: 'failed', err: { type: 'Error', message: 'boom' } }]);
  });

  it.each<[LogLevel, string[]]>([
    ['debug', ['d', 'i', 'w', 'e']],
    ['info', ['i', 'w', 'e']],
    ['warn', ['w', 'e']],
    ['error', ['e']],
  ])('at --log-level %s writes %j', (level, expected) => {
    const { out, err, logger } = make(level);
    logger.verbose('v', 'C');
    logger.debug('d', 'C');
    logger.log('i', 'C');
    logger.warn('w', 'C');
    logger.error('e', 'C');
    expect([...out.json(), ...err.json()].map((l) => l.msg)).toEqual(expected);
  });

  it('serialises errors with pino’s err serializer, given as a field or as the message', () => {
    const { err, logger } = make();
    const e = Object.assign(new TypeError('bad spec'), { code: 'E_SPEC' });
    logger.error({ msg: 'reconcile failed', err: e, serviceId: 's9' }, 'ControlLoop');
    logger.error(new Error('plain'), 'Main');
    const [a, b] = err.json();
    expect(a).toMatchObject({ msg: 'reconcile failed', serviceId: 's9', err: { type: 'TypeError', message: 'bad spec', code: 'E_SPEC' } });
    expect((a.err as { stack: string }).stack).toContain('TypeError: bad spec');
    expect(b).toMatchObject({ msg: 'plain', component: 'Main', err: { type: 'Error', message: 'plain' } });
  });

  it('keeps a stack Nest passes to error(message, stack, context)', () => {
    const { err, logger } = make();
    logger.error('uncaught', 'Error: x\n    at f (a.js:1:1)', 'ExceptionsHandler');
    expect(err.json()[0]).toMatchObject({ msg: 'uncaught', component: 'ExceptionsHandler', stack: 'Error: x\n    at f (a.js:1:1)' });
  });

  it('carries the node id from when the worker learns it', () => {
    const { out, logger } = make();
    logger.log('before', 'Main');
    logger.setNode('abc');
    logger.log('after', 'Main');
    expect(out.json().map((l) => l.node)).toEqual([undefined, 'abc']);
  });

  it('writes pretty lines, not JSON, when asked (a terminal)', () => {
    const out = sink();
    const logger = createLogger({ level: 'info', out, errOut: sink(), pretty: true, node: 'n1' });
    logger.log({ msg: 'manager ready', listen: '0.0.0.0:2377' }, 'Main');
    const text = out.lines.join('\n');
    expect(text).toContain('INFO');
    expect(text).toContain('[Main] manager ready');
    expect(text).toContain('listen: "0.0.0.0:2377"');
    expect(() => JSON.parse(out.lines[0])).toThrow();
  });
});

describe('parseLogLevel', () => {
  it.each([
    [undefined, {}, 'info'],
    ['debug', {}, 'debug'],
    ['WARN', {}, 'warn'],
    [undefined, { FLOTILLA_LOG_LEVEL: 'error' }, 'error'],
    ['info', { FLOTILLA_LOG_LEVEL: 'error' }, 'info'],
  ])('%s with %j is %s', (flag, env, level) => {
    expect(parseLogLevel(flag, env)).toBe(level);
  });

  it('refuses a level it does not know, naming the choices', () => {
    expect(() => parseLogLevel('loud', {})).toThrow('--log-level must be one of debug, info, warn, error, got loud');
  });
});
