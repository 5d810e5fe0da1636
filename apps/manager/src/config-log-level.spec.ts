import { describe, expect, it } from 'vitest';
import { loadManagerConfig } from './config';

describe('manager --log-level', () => {
  it.each<[string[], NodeJS.ProcessEnv, string]>([
    [[], {}, 'info'],
    [['--log-level', 'debug'], {}, 'debug'],
    [['--log-level=error'], {}, 'error'],
    [[], { FLOTILLA_LOG_LEVEL: 'warn' }, 'warn'],
    [['--log-level', 'info'], { FLOTILLA_LOG_LEVEL: 'warn' }, 'info'],
  ])('%j with %j is %s', (argv, env, level) => {
    expect(loadManagerConfig(argv, env).logLevel).toBe(level);
  });

  it('refuses an unknown level', () => {
    expect(() => loadManagerConfig(['--log-level', 'trace'], {})).toThrow('--log-level must be one of debug, info, warn, error, got trace');
  });
});
