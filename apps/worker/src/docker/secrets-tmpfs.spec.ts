import { describe, expect, it } from 'vitest';
import { isTmpfsAt, secretsRoot } from './secrets-tmpfs';

const MOUNTINFO = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '25 22 0:21 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,size=100k',
  '90 25 0:50 / /run/flotilla/secrets/abc rw,nosuid,nodev,noexec - tmpfs tmpfs rw,mode=700',
  '91 22 0:51 / /var/lib/with\\040space rw - tmpfs tmpfs rw',
  '92 22 8:1 /x /run/flotilla/secrets/disk rw - ext4 /dev/sda1 rw',
].join('\n');

describe('isTmpfsAt', () => {
  it.each([
    ['/run/flotilla/secrets/abc', true],
    ['/run', true],
    ['/run/flotilla/secrets', false],
    ['/run/flotilla/secrets/disk', false],
    ['/var/lib/with space', true],
    ['/', false],
  ])('%s → %s', (dir, want) => expect(isTmpfsAt(MOUNTINFO, dir)).toBe(want));
});

describe('secretsRoot', () => {
  it('one dir per node under /run', () => expect(secretsRoot('k3j2h1')).toBe('/run/flotilla/secrets/k3j2h1'));
  it('refuses ids that would leave it', () => {
    expect(() => secretsRoot('../etc')).toThrow(/bad node id/);
    expect(() => secretsRoot('')).toThrow(/bad node id/);
  });
});
