import { describe, expect, it } from 'vitest';
import type { RestartPolicy, Task } from '@flotilla/contracts';
import { restartDecision, type RestartDecision } from './restart-policy';
import { T0, service, task } from './test-fixtures';

const ended = (rp: RestartPolicy, at: number, state: 'failed' | 'complete' = 'failed', exit?: number): Task =>
  task(service('s', 1, { RestartPolicy: rp }), 1, state, { at, exit });

describe('restartDecision', () => {
  it.each<[string, RestartPolicy, number, RestartDecision]>([
    ['due at once with no delay', { Delay: 0 }, T0, { kind: 'now' }],
    ['default delay is 5 s', {}, T0 + 4999, { kind: 'at', at: T0 + 5000 }],
    ['due exactly at the end of the delay', { Delay: 1e9 }, T0 + 1000, { kind: 'now' }],
    ['delay in nanoseconds', { Delay: 250e6 }, T0 + 1, { kind: 'at', at: T0 + 250 }],
    ['none', { Condition: 'none', Delay: 0 }, T0 + 1e6, { kind: 'never' }],
  ])('%s', (_n, rp, now, want) => {
    const last = ended(rp, T0);
    expect(restartDecision(last, [last], { now, immediate: false })).toEqual(want);
  });

  it('skips the delay when the task did not fail on its own', () => {
    const last = ended({ Delay: 60e9 }, T0);
    expect(restartDecision(last, [last], { now: T0, immediate: true })).toEqual({ kind: 'now' });
  });

  it('on-failure: exit 0 is not a failure, whatever the state says', () => {
    const last = ended({ Condition: 'on-failure', Delay: 0 }, T0, 'failed', 0);
    expect(restartDecision(last, [last], { now: T0, immediate: false })).toEqual({ kind: 'never' });
  });

  it('counts attempts in the window before the last end, not before now', () => {
    const rp = { Delay: 0, MaxAttempts: 1, Window: 10e9 };
    const first = ended(rp, T0);
    const last = ended(rp, T0 + 5000);
    expect(restartDecision(last, [first, last], { now: T0 + 1e9, immediate: false })).toEqual({ kind: 'never' });
  });

  it('a new spec starts the attempt count again', () => {
    const rp = { Delay: 0, MaxAttempts: 1 };
    const old = { ...ended(rp, T0), Spec: { ContainerSpec: { Image: 'old' }, RestartPolicy: rp } };
    const last = ended(rp, T0 + 1);
    expect(restartDecision(last, [old, last], { now: T0 + 2, immediate: false })).toEqual({ kind: 'now' });
  });
});
