import { describe, expect, it } from 'vitest';
import { createRootCA, generateKeyPair, issueNodeCertificate, type NodeRole } from '@flotilla/pki';
import { holdsManagerCertificate } from './manager-credentials';

describe('holdsManagerCertificate', () => {
  const credsFor = async (role: NodeRole) => {
    const ca = await createRootCA(Date.now());
    const keys = generateKeyPair();
    const cert = await issueNodeCertificate(ca, { nodeId: 'n1', role, clusterId: 'c1', publicKeyPem: keys.publicKeyPem }, Date.now());
    return { ca: ca.certPem, cert, key: keys.keyPem };
  };

  it.each([
    ['manager', true],
    ['worker', false],
  ] as const)('a %s certificate: %s', async (role, want) => {
    expect(holdsManagerCertificate(await credsFor(role))).toBe(want);
  });

  it('no credentials, or an unreadable certificate: false', () => {
    expect(holdsManagerCertificate(undefined)).toBe(false);
    expect(holdsManagerCertificate({ ca: '', cert: 'not a certificate', key: '' })).toBe(false);
  });
});
