import { describe, expect, it } from 'vitest';
import type { ComposeProject } from '@flotilla/compose';
import { imagesToRemove, parseRmi, type RmiType } from './images-to-remove';

const project = {
  name: 'proj',
  services: {
    app: { name: 'app', build: { context: '.' } },
    tagged: { name: 'tagged', build: { context: '.' }, image: 'flotilla-up-fixture-tagged:latest' },
    plain: { name: 'plain', image: 'flotilla/busybox:latest' },
    again: { name: 'again', image: 'flotilla/busybox:latest' },
  },
} as unknown as ComposeProject;

describe('down --rmi (1.29 remove_image)', () => {
  it.each<[RmiType, string[]]>([
    ['none', []],
    ['local', ['proj_app']],
    ['all', ['proj_app', 'flotilla-up-fixture-tagged:latest', 'flotilla/busybox:latest', 'flotilla/busybox:latest']],
  ])('%s', (type, want) => {
    expect(imagesToRemove(project, type)).toEqual(want);
  });

  it('refuses another type in 1.29 words', () => {
    expect(() => parseRmi('foo')).toThrow('--rmi flag must be one of: all, local');
    expect(parseRmi(undefined)).toBe('none');
  });
});
