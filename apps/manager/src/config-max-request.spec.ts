import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_REQUEST_BYTES, loadManagerConfig } from './config';

describe('manager --max-request-bytes', () => {
  it.each<[string[], NodeJS.ProcessEnv, number]>([
    [[], {}, 16 * 1024 * 1024],
    [['--max-request-bytes', '2048'], {}, 2048],
    [['--max-request-bytes=4096'], {}, 4096],
    [[], { FLOTILLA_MAX_REQUEST_BYTES: '8192' }, 8192],
    [['--max-request-bytes', '2048'], { FLOTILLA_MAX_REQUEST_BYTES: '8192' }, 2048],
  ])('%j with %j is %d', (argv, env, bytes) => {
    expect(loadManagerConfig(argv, env).maxRequestBytes).toBe(bytes);
  });

  it('defaults to 16 MiB', () => {
    expect(DEFAULT_MAX_REQUEST_BYTES).toBe(16777216);
  });

  it.each(['abc', '-1', '1.5', '10', '1e400'])('refuses %s', (v) => {
    expect(() => loadManagerConfig(['--max-request-bytes', v], {})).toThrow('--max-request-bytes must be a whole number of bytes');
  });
});
