import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockedReply } from './locked-reply';

const recorded = JSON.parse(readFileSync(join(__dirname, '../../../../test/docker-cli/recorded/autolock.docker.json'), 'utf8'));
const RIGHT = 'SWMKEY-1-ZB9KVDoRlfUWSzo4cbB2sLfJuZ7iSTMa9p9LjMGxFcc';
const WRONG = 'SWMKEY-1-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const tried: string[] = [];
const reply = (method: string, path: string, body = '') =>
  lockedReply({ method, path, body }, '10.247.0.11', (k) => {
    tried.push(k);
    return k === RIGHT;
  });

describe('a locked manager answers as a locked dockerd', () => {
  it.each(Object.entries(recorded.locked.http as Record<string, number>))('%s -> %i with the recorded message', (call, status) => {
    const [method, path] = call.split(' ');
    expect(reply(method, path)).toEqual({ status, body: recorded.locked.body });
  });

  it.each(['GET /v1.41/nodes', 'POST /v1.41/services/create', 'GET /services', 'DELETE /v1.47/secrets/x'])('%s -> 503 locked', (call) => {
    const [method, path] = call.split(' ');
    expect(reply(method, path)).toEqual({ status: 503, body: recorded.locked.body });
  });

  it('answers /_ping and /info with LocalNodeState locked, as recorded', () => {
    expect(reply('HEAD', '/_ping')).toEqual({ status: 200, body: 'OK' });
    const info = reply('GET', '/v1.41/info').body as { Swarm: unknown };
    expect(info.Swarm).toEqual(recorded.locked.infoSwarm);
  });

  it.each([
    ['a key that does not open the data key', JSON.stringify({ UnlockKey: WRONG }), 401, 'unlockWrongKey'],
    ['a text that is no key', JSON.stringify({ UnlockKey: 'nope' }), 400, 'unlockNotAKey'],
    ['an empty key', JSON.stringify({ UnlockKey: '' }), 400, 'unlockNotAKey'],
    ['no JSON', 'x', 400, 'unlockNotAKey'],
  ])('refuses %s with Docker\'s status and words', (_n, body, status, rec) => {
    const r = reply('POST', '/v1.41/swarm/unlock', body);
    expect(r.status).toBe(status);
    expect(r.status).toBe(recorded.locked[rec].status);
    expect(`Error response from daemon: ${(r.body as { message: string }).message}\n`).toBe(recorded.locked[rec].out);
    expect(r.unlocked).toBeUndefined();
  });

  it('unlocks with the right key, and only well-formed keys reach the check', () => {
    tried.length = 0;
    expect(reply('POST', '/v1.41/swarm/unlock', JSON.stringify({ UnlockKey: RIGHT }))).toEqual({ status: 200, unlocked: true });
    reply('POST', '/v1.41/swarm/unlock', JSON.stringify({ UnlockKey: 'garbage' }));
    expect(tried).toEqual([RIGHT]);
  });

  it('refuses swarm init as already part of a swarm', () => {
    expect(`Error response from daemon: ${(reply('POST', '/v1.41/swarm/init').body as { message: string }).message}\n`).toBe(recorded.locked.swarmInit.out);
  });
});
