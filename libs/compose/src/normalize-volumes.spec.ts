import { describe, expect, it } from 'vitest';
import { cleanTarget, parseServiceVolume, splitVolumeSpec } from './normalize-volumes';

const P = '/project';
const H = '/home/me';

describe('parseServiceVolume', () => {
  it.each<[unknown, object]>([
    ['/data', { type: 'volume', target: '/data' }],
    ['data:/data', { type: 'volume', source: 'data', target: '/data' }],
    ['data:/data:ro', { type: 'volume', source: 'data', target: '/data', read_only: true }],
    ['data:/data:nocopy', { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true } }],
    ['./rel:/rel', { type: 'bind', source: '/project/rel', target: '/rel' }],
    ['../up:/up:rw', { type: 'bind', source: '/up', target: '/up' }],
    ['~/cfg:/cfg', { type: 'bind', source: '/home/me/cfg', target: '/cfg' }],
    ['/abs:/abs:ro,z', { type: 'bind', source: '/abs', target: '/abs', read_only: true, bind: { selinux: 'z' } }],
    ['/abs:/abs:rshared', { type: 'bind', source: '/abs', target: '/abs', bind: { propagation: 'rshared' } }],
    ['/abs:/abs:cached', { type: 'bind', source: '/abs', target: '/abs', consistency: 'cached' }],
    ['/abs:/trailing/', { type: 'bind', source: '/abs', target: '/trailing' }],
    [{ type: 'bind', source: './x', target: '/x', read_only: true }, { type: 'bind', source: '/project/x', target: '/x', read_only: true }],
    [{ type: 'volume', source: 'v', target: '/v', volume: { nocopy: true } }, { type: 'volume', source: 'v', target: '/v', volume: { nocopy: true } }],
    [{ type: 'tmpfs', target: '/t', tmpfs: { size: '64m' } }, { type: 'tmpfs', target: '/t', tmpfs: { size: 64 * 1024 * 1024 } }],
    [{ type: 'volume', target: '/anon' }, { type: 'volume', target: '/anon' }],
  ])('%j', (input, want) => {
    expect(parseServiceVolume(input, P, H)).toEqual(want);
  });

  it.each<unknown>(['data:relative', 'relative', 'bad name!:/x', 'data:/x:ro,bogus', 'data:/x:z', { type: 'weird', target: '/x' }, { type: 'bind', target: '/x' }, { type: 'tmpfs', source: 'x', target: '/x' }, { type: 'volume' }, 5])(
    'rejects %j',
    (input) => {
      expect(typeof parseServiceVolume(input, P, H)).toBe('string');
    },
  );

  it('reads a one-letter source as a volume name, as 1.29 does on Linux (no Windows drives)', () => {
    expect(splitVolumeSpec('d:/data:ro')).toEqual({ source: 'd', target: '/data', mode: 'ro' });
    expect(parseServiceVolume('d:/data', P, H)).toEqual({ type: 'volume', source: 'd', target: '/data' });
    expect(parseServiceVolume('C:\\data:/data:ro', P, H)).toBe('Volume C:\\data:/data:ro has incorrect format, should be external:internal[:mode]');
  });

  it.each([
    ['/a/', '/a'],
    ['/a//b/./c', '/a/b/c'],
    ['/', '/'],
  ])('cleanTarget %s → %s', (a, b) => expect(cleanTarget(a)).toBe(b));
});
