import { describe, expect, it } from 'vitest';
import { RESTARTED_HOLD_MS, answered, inPlaceRestart, restartPhase } from './in-place-restart';

const C = 'c'.repeat(64);

describe('inPlaceRestart', () => {
  it.each([
    ['/containers/x/restart?t=2', 2_000],
    ['/v1.41/containers/x/restart?t=0', 0],
    ['/containers/x/restart', 10_000],
    ['/containers/x/start', 10_000],
    ['/containers/x/restart?t=abc', 10_000],
    ['/containers/x/restart?t=-1', 10_000],
    ['/containers/x/restart?t=99999', 3_600_000],
  ])('%s: the stop timeout (%d ms) and a minute to start again', (url, stopMs) => {
    expect(inPlaceRestart(C, url, 1000).deadline).toBe(1000 + stopMs + 60_000);
  });
});

describe('restartPhase', () => {
  const r = inPlaceRestart(C, '/containers/x/restart?t=1', 0);
  it.each([
    ['asked, not answered: the engine is restarting it', r, 500, 'restarting'],
    ['never answered, past its deadline: forgotten', r, r.deadline, undefined],
    ['answered 204: started again', answered(r, 204, 3000), 3000, 'restarted'],
    ['answered 204, a while ago: forgotten (the task is told by then)', answered(r, 204, 3000), 3000 + RESTARTED_HOLD_MS, undefined],
    ['refused (404, 409, 500): what the engine shows is reported as it is', answered(r, 500, 3000), 3000, undefined],
    ['no answer (the connection dropped): as refused', answered(r, undefined, 3000), 3000, undefined],
  ])('%s', (_what, x, now, want) => {
    expect(restartPhase(x, now)).toBe(want);
  });
});
