import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactRedisUrl, redisTlsOptions } from './redis-tls';

describe('redactRedisUrl', () => {
  it.each([
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['rediss://:hunter2@10.0.0.1:6380', 'rediss://:***@10.0.0.1:6380'],
    ['rediss://app:hunter2@redis.example:6380/2', 'rediss://***:***@redis.example:6380/2'],
    ['redis://app@h:1', 'redis://***@h:1'],
    ['not a url hunter2', '<unparseable Redis URL>'],
  ])('%s → %s', (url, want) => {
    expect(redactRedisUrl(url)).toBe(want);
    expect(redactRedisUrl(url)).not.toContain('hunter2');
  });
});

describe('redisTlsOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redis-tls-'));
  const pem = join(dir, 'ca.pem');
  writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  writeFileSync(join(dir, 'junk'), 'not a certificate');

  it('plain redis:// gets no TLS, even with REDIS_CA', () => expect(redisTlsOptions('redis://h:1', { REDIS_CA: pem })).toEqual({}));
  it("rediss:// without REDIS_CA: the system's CAs", () => expect(redisTlsOptions('rediss://h:1', {})).toEqual({ tls: {} }));
  it('rediss:// with REDIS_CA: that CA', () => expect(redisTlsOptions('rediss://h:1', { REDIS_CA: pem }).tls?.ca?.toString()).toContain('BEGIN CERTIFICATE'));
  it('a missing or non-PEM REDIS_CA is named', () => {
    expect(() => redisTlsOptions('rediss://h:1', { REDIS_CA: join(dir, 'nope') })).toThrow(/REDIS_CA=.*nope: cannot read the CA file: ENOENT/);
    expect(() => redisTlsOptions('rediss://h:1', { REDIS_CA: join(dir, 'junk') })).toThrow(/REDIS_CA=.*junk: not a PEM certificate/);
  });
});
