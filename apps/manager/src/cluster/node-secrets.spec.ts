import { describe, expect, it } from 'vitest';
import { nodeSecret } from '@flotilla/contracts';
import { NodeSecrets } from './node-secrets';

describe('NodeSecrets', () => {
  it('answers what nodeSecret answers, deriving each once per key', () => {
    let derived = 0;
    const s = new NodeSecrets((k, n) => (derived++, nodeSecret(k, n)));
    expect(s.of('k1', 'a')).toBe(nodeSecret('k1', 'a'));
    expect(s.of('k1', 'a')).toBe(nodeSecret('k1', 'a'));
    expect(s.of('k1', 'b')).toBe(nodeSecret('k1', 'b'));
    expect(derived).toBe(2);
  });

  it('a new node key answers the new secret, never the old one', () => {
    const s = new NodeSecrets();
    const old = s.of('k1', 'a');
    expect(s.of('k2', 'a')).toBe(nodeSecret('k2', 'a'));
    expect(s.of('k2', 'a')).not.toBe(old);
    expect(s.of('k1', 'a')).toBe(old);
  });
});
