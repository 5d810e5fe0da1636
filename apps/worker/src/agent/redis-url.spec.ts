import { describe, expect, it } from 'vitest';
import { redisSeenFrom } from './redis-url';

describe('redisSeenFrom', () => {
  it.each([
    ['redis://127.0.0.1:6379', 'http://10.213.0.11:2377', 'redis://10.213.0.11:6379'],
    ['redis://localhost:6380/2', 'http://10.0.0.5:2377', 'redis://10.0.0.5:6380/2'],
    ['redis://127.0.0.1:6379', 'http://127.0.0.1:2377', 'redis://127.0.0.1:6379'],
    ['redis://10.9.9.9:6379', 'http://10.0.0.5:2377', 'redis://10.9.9.9:6379'],
    ['redis://:secret@127.0.0.1:6379', 'http://10.0.0.5:2377', 'redis://:secret@10.0.0.5:6379'],
  ])('%s via %s -> %s', (redis, manager, want) => expect(redisSeenFrom(redis, manager)).toBe(want));
});
