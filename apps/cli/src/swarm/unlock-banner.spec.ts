import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unlockBanner } from './unlock-banner';

const rec = JSON.parse(readFileSync(join(__dirname, '../../../../test/docker-cli/recorded/autolock.docker.json'), 'utf8'));

describe('unlockBanner', () => {
  it("is docker's text with flotilla's verb", () => {
    const key = 'SWMKEY-1-ZB9KVDoRlfUWSzo4cbB2sLfJuZ7iSTMa9p9LjMGxFcc';
    expect(unlockBanner(key)).toBe((rec.initAutolockTail as string).replace('`docker swarm unlock`', '`flotilla swarm unlock`'));
  });
});
