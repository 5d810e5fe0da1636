import { describe, expect, it } from 'vitest';
import { renewalDue, rotationProgress, rotationRequested, rotationStep, signingRoot, splitPems, trustedRoots, type NodeTlsState } from './root-rotation';

const n = (nodeId: string, trusts: string[], issuer: string, live = true): NodeTlsState => ({ nodeId, trusts, issuer, live });
const rot = (phase: 'trust' | 'issue') => ({ newRootPem: 'NEW', newKeyPem: 'NEWKEY', phase, forceRotate: 1 });

describe('rotationStep: trust first, certificates second, the old root last', () => {
  it.each([
    ['trust: a node still trusts only the old root', 'trust', [n('a', ['old', 'new'], 'old'), n('b', ['old'], 'old')], { kind: 'wait', phase: 'trust', pending: ['b'] }],
    ['trust: every live node trusts both', 'trust', [n('a', ['old', 'new'], 'old'), n('b', ['old', 'new'], 'old')], { kind: 'advance', to: 'issue' }],
    ['trust: a down node is not waited for', 'trust', [n('a', ['old', 'new'], 'old'), n('b', ['old'], 'old', false)], { kind: 'advance', to: 'issue' }],
    ['issue: a node still holds an old certificate', 'issue', [n('a', ['old', 'new'], 'new'), n('b', ['old', 'new'], 'old')], { kind: 'wait', phase: 'issue', pending: ['b'] }],
    ['issue: every live node holds a new certificate', 'issue', [n('a', ['old', 'new'], 'new'), n('b', ['old', 'new'], 'new')], { kind: 'finish' }],
    ['issue: no nodes at all', 'issue', [], { kind: 'finish' }],
  ] as const)('%s', (_name, phase, nodes, want) => {
    expect(rotationStep({ phase }, 'new', nodes)).toEqual(want);
  });

  it('walks a two-node cluster from start to finish, never leaving a node unable to trust a peer', () => {
    // Each node trusts its list; a link works when each side trusts the other's issuer.
    const nodes = [n('m', ['old'], 'old'), n('w', ['old'], 'old')];
    const links = () => nodes.every((a) => nodes.every((b) => a.trusts.includes(b.issuer)));
    let phase: 'trust' | 'issue' = 'trust';
    for (let round = 0; round < 10; round++) {
      const step = rotationStep({ phase }, 'new', nodes);
      if (step.kind === 'finish') break;
      if (step.kind === 'advance') phase = step.to;
      // One node acts per round (the slowest order): it takes the trust, or renews from the signing root.
      const next = nodes.find((x) => (phase === 'trust' ? !x.trusts.includes('new') : x.issuer !== 'new'));
      if (next && phase === 'trust') next.trusts = ['old', 'new'];
      if (next && phase === 'issue') next.issuer = 'new';
      expect(links()).toBe(true);
    }
    expect(rotationStep({ phase }, 'new', nodes)).toEqual({ kind: 'finish' });
    // At the end the old root goes: every node is on the new one, so links still hold.
    for (const x of nodes) x.trusts = ['new'];
    expect(links()).toBe(true);
  });
});

describe('which roots are trusted, and which signs', () => {
  it('trusts the current root alone, both during a rotation', () => {
    expect(trustedRoots('OLD')).toEqual(['OLD']);
    expect(trustedRoots('OLD', rot('trust'))).toEqual(['OLD', 'NEW']);
    expect(trustedRoots('OLD', rot('issue'))).toEqual(['OLD', 'NEW']);
  });
  it('signs with the new root only once every node trusts it', () => {
    const cur = { certPem: 'OLD', keyPem: 'OLDKEY' };
    expect(signingRoot(cur)).toEqual(cur);
    expect(signingRoot(cur, rot('trust'))).toEqual(cur);
    expect(signingRoot(cur, rot('issue'))).toEqual({ certPem: 'NEW', keyPem: 'NEWKEY' });
  });
  it.each([
    [undefined, 1, true],
    [1, 1, false],
    [1, 2, true],
    [2, 1, false],
    [undefined, undefined, false],
  ] as const)('ForceRotate %s → %s rotates: %s', (a, b, want) => expect(rotationRequested(a, b)).toBe(want));
});

describe('renewalDue', () => {
  it.each([
    ['before its renewal time, same root', { now: 10, renewAt: 20, issuer: 'r', signingDigest: 'r' }, false],
    ['at its renewal time', { now: 20, renewAt: 20, issuer: 'r', signingDigest: 'r' }, true],
    ['the signing root changed', { now: 10, renewAt: 20, issuer: 'old', signingDigest: 'new' }, true],
  ] as const)('%s', (_n, o, want) => expect(renewalDue(o)).toBe(want));
});

describe('rotationProgress (docker swarm ca --rotate’s two counts)', () => {
  it('counts certificates from the desired root, and nodes trusting it alone', () => {
    expect(rotationProgress('new', [n('a', ['old', 'new'], 'new'), n('b', ['old', 'new'], 'old'), n('c', ['new'], 'new')])).toEqual({ certificates: 2, roots: 1, total: 3 });
  });
});

describe('splitPems', () => {
  it('splits a bundle, and finds none in junk', () => {
    const a = '-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----';
    const b = '-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----';
    expect(splitPems(`${a}\n${b}\n`)).toEqual([`${a}\n`, `${b}\n`]);
    expect(splitPems('nothing')).toEqual([]);
  });
});
