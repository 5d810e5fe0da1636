import { describe, expect, it } from 'vitest';
import { MANAGER_USAGE, wantsHelp } from './config';

describe('manager --help', () => {
  it.each<[string[], boolean]>([
    [['--help'], true],
    [['-h'], true],
    [['--data-dir', '/tmp/x', '--help'], true],
    [['--data-dir', '/tmp/x'], false],
    [[], false],
  ])('%j asks for help: %s', (argv, asked) => {
    expect(wantsHelp(argv)).toBe(asked);
  });

  it('names every flag the manager reads', () => {
    for (const flag of ['listen-addr', 'advertise-addr', 'data-dir', 'redis-url', 'join', 'token', 'token-file', 'force-new-cluster', 'no-worker', 'docker-host', 'api-remote', 'heartbeat-period-ms', 'max-request-bytes', 'log-level']) {
      expect(MANAGER_USAGE).toContain(`--${flag} `);
    }
  });
});
