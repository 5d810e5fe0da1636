import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '@flotilla/contracts';
import { validateServiceSpec } from './spec-validation';

const spec = (extra: Record<string, unknown>): ServiceSpec =>
  ({ Name: 'bad', TaskTemplate: { ContainerSpec: { Image: 'flotilla/busybox:latest' } }, Mode: { Replicated: {} }, ...extra }) as ServiceSpec;

// What Docker 20.10's daemon answered to POST /services/create with these bodies (recorded on a real
// swarm with the stock CLI and curl): 400 and this message, or accepted.
describe('validateServiceSpec: update and rollback configs, as Docker answers them', () => {
  it.each<[string, Record<string, unknown>, string | null]>([
    ['negative update delay', { UpdateConfig: { Delay: -1e9 } }, 'rpc error: code = InvalidArgument desc = TaskSpec: update-delay cannot be negative'],
    ['negative update monitor', { UpdateConfig: { Monitor: -1e9 } }, 'rpc error: code = InvalidArgument desc = TaskSpec: update-monitor cannot be negative'],
    ['update ratio above 1', { UpdateConfig: { MaxFailureRatio: 2 } }, 'rpc error: code = InvalidArgument desc = TaskSpec: update-maxfailureratio cannot be less than 0 or bigger than 1'],
    ['unknown failure action', { UpdateConfig: { FailureAction: 'foo' } }, 'unrecognized update failure action foo'],
    ['unknown order', { UpdateConfig: { Order: 'x' } }, 'unrecognized update order x'],
    ['negative parallelism', { UpdateConfig: { Parallelism: -1 } }, 'json: cannot unmarshal number -1 into Go struct field UpdateConfig.UpdateConfig.Parallelism of type uint64'],
    ['a string delay', { UpdateConfig: { Delay: 'x' } }, 'json: cannot unmarshal string into Go struct field UpdateConfig.UpdateConfig.Delay of type time.Duration'],
    ['negative rollback parallelism', { RollbackConfig: { Parallelism: -2 } }, 'json: cannot unmarshal number -2 into Go struct field UpdateConfig.RollbackConfig.Parallelism of type uint64'],
    ['unknown rollback failure action', { RollbackConfig: { FailureAction: 'foo' } }, 'unrecognized update failure action foo'],
    ['unknown rollback order', { RollbackConfig: { Order: 'foo' } }, 'unrecognized update order foo'],
    ['negative rollback delay (swarmkit checks only UpdateConfig)', { RollbackConfig: { Delay: -5 } }, null],
    ['negative rollback monitor', { RollbackConfig: { Monitor: -5 } }, null],
    ['rollback ratio above 1', { RollbackConfig: { MaxFailureRatio: 3 } }, null],
    ['a full valid config', { UpdateConfig: { Parallelism: 2, Delay: 1e9, FailureAction: 'rollback', Monitor: 5e9, MaxFailureRatio: 0.5, Order: 'start-first' } }, null],
  ])('%s', (_name, extra, message) => {
    const run = () => validateServiceSpec(spec(extra));
    if (message === null) expect(run).not.toThrow();
    else expect(run).toThrow(message);
  });
});

describe('validateServiceSpec: service modes, as Docker answers them (recorded)', () => {
  const modeSpec = (Mode: unknown) => ({ Name: 'j', TaskTemplate: { ContainerSpec: { Image: 'i' } }, Mode }) as ServiceSpec;
  it.each<[string, unknown, string | null]>([
    ['a negative MaxConcurrent', { ReplicatedJob: { MaxConcurrent: -1 } }, 'json: cannot unmarshal number -1 into Go struct field ReplicatedJob.Mode.ReplicatedJob.MaxConcurrent of type uint64'],
    ['a string TotalCompletions', { ReplicatedJob: { TotalCompletions: 'x' } }, 'json: cannot unmarshal string into Go struct field ReplicatedJob.Mode.ReplicatedJob.TotalCompletions of type uint64'],
    ['two modes', { Replicated: {}, GlobalJob: {} }, 'must specify only one service mode'],
    ['a replicated job', { ReplicatedJob: { MaxConcurrent: 2, TotalCompletions: 5 } }, null],
    ['a global job', { GlobalJob: {} }, null],
  ])('%s', (_n, mode, message) => {
    const run = () => validateServiceSpec(modeSpec(mode));
    if (message === null) expect(run).not.toThrow();
    else expect(run).toThrow(message);
  });
});

describe('validateServiceSpec: a host range (PublishedPortEnd, flotilla\'s)', () => {
  const ports = (p: Record<string, unknown>) => spec({ EndpointSpec: { Ports: [{ Protocol: 'tcp', TargetPort: 80, ...p }] } });
  it.each<[string, Record<string, unknown>, string | null]>([
    ['a host-mode range', { PublishedPort: 18000, PublishedPortEnd: 18001, PublishMode: 'host' }, null],
    ['a range of one port', { PublishedPort: 18000, PublishedPortEnd: 18000, PublishMode: 'host' }, null],
    ['through the mesh', { PublishedPort: 18000, PublishedPortEnd: 18001, PublishMode: 'ingress' }, 'PublishedPortEnd needs PublishMode host'],
    ['mode left out (ingress)', { PublishedPort: 18000, PublishedPortEnd: 18001 }, 'PublishedPortEnd needs PublishMode host'],
    ['no start', { PublishedPortEnd: 18001, PublishMode: 'host' }, 'PublishedPortEnd needs PublishMode host'],
    ['an end before the start', { PublishedPort: 18001, PublishedPortEnd: 18000, PublishMode: 'host' }, 'PublishedPortEnd needs PublishMode host'],
    ['past 65535', { PublishedPort: 18000, PublishedPortEnd: 70000, PublishMode: 'host' }, 'PublishedPortEnd'],
    ['not a number', { PublishedPort: 18000, PublishedPortEnd: '18001', PublishMode: 'host' }, 'PublishedPortEnd'],
  ])('%s', (_n, p, message) => {
    const run = () => validateServiceSpec(ports(p));
    if (message === null) expect(run).not.toThrow();
    else expect(run).toThrow(message);
  });
});
