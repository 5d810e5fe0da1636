import { describe, expect, it } from 'vitest';
import { doorbellPayload, logRequestPayload, signForNode, signedByCluster } from './redis-signing';

describe('messages a manager signs for a node', () => {
  const secret = 'a'.repeat(64);
  const sig = signForNode(secret, 'doorbell', doorbellPayload('n1', 42));

  it('verify with the node’s secret only, for the same kind and payload', () => {
    expect(signedByCluster(secret, 'doorbell', doorbellPayload('n1', 42), sig)).toBe(true);
    expect(signedByCluster('b'.repeat(64), 'doorbell', doorbellPayload('n1', 42), sig)).toBe(false);
    expect(signedByCluster(secret, 'doorbell', doorbellPayload('n1', 43), sig)).toBe(false);
    expect(signedByCluster(secret, 'logs', doorbellPayload('n1', 42), sig)).toBe(false);
  });

  it.each([undefined, 42, '', 'zz'.repeat(32), sig.slice(1)])('refuse a malformed signature %s', (bad) => {
    expect(signedByCluster(secret, 'doorbell', doorbellPayload('n1', 42), bad)).toBe(false);
  });

  it('a log request’s signature covers every field that decides what is streamed', () => {
    const r = { reqId: 'ab12cd34', taskIds: ['t1'], follow: false, tail: 10, timestamps: false, at: 1000 };
    const s = signForNode(secret, 'logs', logRequestPayload(r));
    expect(signedByCluster(secret, 'logs', logRequestPayload(r), s)).toBe(true);
    for (const changed of [{ taskIds: ['t1', 't2'] }, { follow: true }, { tail: 11 }, { at: 1001 }, { reqId: 'ab12cd35' }, { since: 5 }]) {
      expect(signedByCluster(secret, 'logs', logRequestPayload({ ...r, ...changed }), s)).toBe(false);
    }
  });
});
