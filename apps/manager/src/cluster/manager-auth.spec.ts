import { describe, expect, it } from 'vitest';
import { forwardedBy, forwardedValid, raftCallerValid, raftKeyFrom, raftPreamble } from './manager-auth';

const key = raftKeyFrom('a'.repeat(64));

describe('manager credentials', () => {
  it('a raft preamble carries a credential the receiver accepts, for that sender only', () => {
    const pre = raftPreamble(key, 'node1', '10.0.0.1:2377');
    expect(pre).toMatch(/^GET \/flotilla\/v1\/raft HTTP\/1\.1\r\n/);
    expect(pre.endsWith('\r\n\r\n')).toBe(true);
    const auth = /Authorization: (.*)\r\n/.exec(pre)![1];
    expect(raftCallerValid(key, 'node1', auth)).toBe(true);
    expect(raftCallerValid(key, 'node2', auth)).toBe(false);
    expect(raftCallerValid(raftKeyFrom('b'.repeat(64)), 'node1', auth)).toBe(false);
    expect(raftCallerValid(null, 'node1', auth)).toBe(false);
    expect(raftCallerValid(key, 'node1', undefined)).toBe(false);
    expect(raftCallerValid(key, 'node1', 'Bearer xyz')).toBe(false);
  });

  it('a forwarded request is accepted only with the sender\'s signature under the same key', () => {
    const v = forwardedBy(key, 'm1');
    expect(forwardedValid(key, v)).toBe(true);
    expect(forwardedValid(key, v.replace('m1', 'm2'))).toBe(false);
    expect(forwardedValid(raftKeyFrom('c'.repeat(64)), v)).toBe(false);
    expect(forwardedValid(key, undefined)).toBe(false);
    expect(forwardedValid(key, 'm1')).toBe(false);
  });
});
