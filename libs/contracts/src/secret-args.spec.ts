import { describe, expect, it } from 'vitest';
import { secretsOutOfArgs } from './secret-args';

describe('secretsOutOfArgs', () => {
  it.each<[string[], string[], Record<string, string>]>([
    [['--join', 'm:2377', '--token', 'SWMTKN-1-a-b', '--data-dir', '/d'], ['--join', 'm:2377', '--data-dir', '/d'], { FLOTILLA_TOKEN: 'SWMTKN-1-a-b' }],
    [['--redis-url', 'rediss://:pw@r:6379', '--log-level', 'debug'], ['--log-level', 'debug'], { FLOTILLA_REDIS_URL: 'rediss://:pw@r:6379' }],
    [['--token=SWMTKN-1-x-y', '--redis-url=redis://u:p@h:1'], [], { FLOTILLA_TOKEN: 'SWMTKN-1-x-y', FLOTILLA_REDIS_URL: 'redis://u:p@h:1' }],
    [['--data-dir', '/d', '--api-remote'], ['--data-dir', '/d', '--api-remote'], {}],
    // A flag with no value stays, and the process refuses it as before.
    [['--token'], ['--token'], {}],
  ])('%j', (args, rest, env) => {
    expect(secretsOutOfArgs(args)).toEqual({ args: rest, env });
  });
});
