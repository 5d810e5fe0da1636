import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { caDigest, createRootCA, renewalTime } from './index';

describe('caDigest', () => {
  it('is sha256 of the PEM in base 36, 50 characters, stable', async () => {
    const ca = await createRootCA(Date.now());
    const d = caDigest(ca.certPem);
    expect(d).toMatch(/^[0-9a-z]{50}$/);
    expect(BigInt(`0x${createHash('sha256').update(`${ca.certPem.trim()}\n`).digest('hex')}`).toString(36).padStart(50, '0')).toBe(d);
    expect(caDigest(`${ca.certPem.trim()}\r\n\r\n`)).toBe(d);
    expect(caDigest(ca.certPem)).toBe(d);
    expect(caDigest((await createRootCA(Date.now())).certPem)).not.toBe(d);
  });

  it('matches a real swarm: the CA `docker swarm ca` printed and the digest in its join token', () => {
    expect(caDigest(DOCKER_CA)).toBe('4bdhm7bl6r84goxgsn7plxpddwowkov174137tp8sl6grn7kv6');
  });
});

describe('renewalTime', () => {
  it.each([
    [0, 500],
    [0.5, 650],
    [0.999999, 799],
    [-1, 500],
    [7, 799],
  ])('random %s → %s of a 1000 ms validity', (r, want) => expect(renewalTime(0, 1000, r)).toBe(want));
});

/** The root of a reference swarm (docker 20.10, `docker swarm init`, 2026-12-04); its worker token was SWMTKN-1-4bdhm7bl6r84goxgsn7plxpddwowkov174137tp8sl6grn7kv6-…. */
const DOCKER_CA = `-----BEGIN CERTIFICATE-----
MIIBajCCARCgAwIBAgIUYltEjz1fh2mojtYvnB2TZub6amswCgYIKoZIzj0EAwIw
EzERMA8GA1UEAxMIc3dhcm0tY2EwHhcNMjYxMjA0MTAzMTAwWhcNNDYxMTI5MTAz
MTAwWjATMREwDwYDVQQDEwhzd2FybS1jYTBZMBMGByqGSM49AgEGCCqGSM49AwEH
A0IABNZmlihoPaBUTKX5l59VLMQJmti47+xewT8n2F9jKKwG7K1RMGEEiAVatj9P
YUvO4UARbz7X3eFGU9blR4/0c66jQjBAMA4GA1UdDwEB/wQEAwIBBjAPBgNVHRMB
Af8EBTADAQH/MB0GA1UdDgQWBBSrdQ+znJo6u17vRl6oZ1UFgZ9SrjAKBggqhkjO
PQQDAgNIADBFAiEA1IPgy0rSd1w5qdz5MvNyzs4U68IAKbtuncxEpJ5hITACIGMV
glbeAmsS/66GFAV3tSrlLGOdzlPcKF/vpABmkLOu
-----END CERTIFICATE-----
`;
