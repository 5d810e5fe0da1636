import { describe, expect, it } from 'vitest';
import { invokedVerb } from './invoked-verb';

describe('invokedVerb: the one command a command line needs loaded', () => {
  it.each([
    [[], {}],
    [['--version'], {}],
    [['-h'], {}],
    [['service', 'ls'], { noun: 'service' }],
    [['service', 'ls', '--help'], {}],
    [['compose', 'up', '-d'], { noun: 'compose', verb: 'up' }],
    [['compose', '-f', 'a.yml', '-p', 'x', 'ps', '-q'], { noun: 'compose', verb: 'ps' }],
    [['compose', '--file=a.yml', '--project-directory', 'd', 'down'], { noun: 'compose', verb: 'down' }],
    [['compose', '-fa.yml', '-px', 'logs', '-f'], { noun: 'compose', verb: 'logs' }],
    [['compose', '--profile', 'debug', '--env-file', '.env', 'config'], { noun: 'compose', verb: 'config' }],
    // The value of -f is never taken for the verb, even when it looks like one.
    [['compose', '-f', 'up', 'version'], { noun: 'compose', verb: 'version' }],
  ])('%j -> %j', (args, want) => {
    expect(invokedVerb(args)).toEqual(want);
  });

  it.each([
    [['compose']],
    [['compose', '--help']],
    [['compose', 'up', '-h']],
    [['compose', '--verbose', 'up']],
    [['compose', '--', 'up']],
    [['compose', '-f']],
    [['compose', 'help', 'up']],
  ])('%j: not sure, so no verb (every command is loaded)', (args) => {
    expect(invokedVerb(args)).toEqual({ noun: 'compose' });
  });
});
