import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '@flotilla/contracts';
import { applySpecFlags } from './spec-flags';

const base: ServiceSpec = { Name: 'web', TaskTemplate: { ContainerSpec: { Image: 'img' } }, Mode: { Replicated: { Replicas: 1 } } };

describe('applySpecFlags', () => {
  it('turns --health-* into the container healthcheck, in nanoseconds', () => {
    const s = applySpecFlags(base, { healthCmd: 'curl -f localhost', healthInterval: '1s', healthTimeout: '500ms', healthRetries: '3', healthStartPeriod: '1m30s', healthcheck: true });
    expect(s.TaskTemplate.ContainerSpec.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'curl -f localhost'], Interval: 1e9, Timeout: 5e8, Retries: 3, StartPeriod: 90e9 });
  });

  it('keeps the other health fields on update and replaces the given ones', () => {
    const cur = applySpecFlags(base, { healthCmd: 'true', healthInterval: '2s', healthcheck: true });
    const s = applySpecFlags(cur, { healthCmd: 'false', healthcheck: true });
    expect(s.TaskTemplate.ContainerSpec.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'false'], Interval: 2e9 });
  });

  it('--no-healthcheck disables it, and conflicts with --health-*', () => {
    expect(applySpecFlags(base, { healthcheck: false }).TaskTemplate.ContainerSpec.Healthcheck).toEqual({ Test: ['NONE'] });
    expect(() => applySpecFlags(base, { healthcheck: false, healthCmd: 'true' })).toThrow('--no-healthcheck conflicts with --health-* options');
  });

  it('leaves the spec alone without flags', () => {
    expect(applySpecFlags(base, { healthcheck: true })).toEqual(base);
  });

  it('merges --update-* and --rollback-* into the configs', () => {
    const cur = { ...base, UpdateConfig: { Parallelism: 2, Order: 'start-first' as const } };
    const s = applySpecFlags(cur, { updateFailureAction: 'rollback', updateMonitor: '5s', updateMaxFailureRatio: '0.25', updateDelay: '1s', rollbackParallelism: '0', rollbackOrder: 'stop-first', healthcheck: true });
    expect(s.UpdateConfig).toEqual({ Parallelism: 2, Order: 'start-first', FailureAction: 'rollback', Monitor: 5e9, MaxFailureRatio: 0.25, Delay: 1e9 });
    expect(s.RollbackConfig).toEqual({ Parallelism: 0, Order: 'stop-first' });
  });

  it('passes a negative duration on for the daemon to refuse, as docker does', () => {
    expect(applySpecFlags(base, { updateDelay: '-1s', healthcheck: true }).UpdateConfig).toEqual({ Delay: -1e9 });
  });

  it('names the flag of a value it cannot read', () => {
    expect(() => applySpecFlags(base, { updateMonitor: 'soon', healthcheck: true })).toThrow('invalid argument "soon" for "--update-monitor" flag: time: invalid duration "soon"');
    expect(() => applySpecFlags(base, { updateParallelism: 'x', healthcheck: true })).toThrow('"--update-parallelism"');
  });
});
