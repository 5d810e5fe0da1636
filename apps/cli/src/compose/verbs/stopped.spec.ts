import { describe, expect, it } from 'vitest';
import type { Service, ServiceSpec } from '@flotilla/contracts';
import { REPLICAS_LABEL, scaledSpec, startedSpec, stoppedReplicas, stoppedSpec } from './stopped';
import { createdStack } from './created-stack';

const spec = (replicas: number, labels: Record<string, string> = {}): ServiceSpec =>
  ({ Name: 'p_web', Labels: { 'com.docker.compose.service': 'web', ...labels }, Mode: { Replicated: { Replicas: replicas } }, TaskTemplate: { ContainerSpec: { Image: 'x' } } }) as ServiceSpec;
const svc = (s: ServiceSpec) => ({ ID: 'id', Spec: s }) as Service;

describe('stop and start remember the replica count', () => {
  it('stop keeps the count in a label and runs 0; start brings it back and drops the label', () => {
    const stopped = stoppedSpec(spec(3));
    expect(stopped.Mode).toEqual({ Replicated: { Replicas: 0 } });
    expect(stopped.Labels?.[REPLICAS_LABEL]).toBe('3');
    expect(stoppedReplicas(svc(stopped))).toBe(3);
    const started = startedSpec(stopped);
    expect(started).toEqual(spec(3));
    expect(stoppedReplicas(svc(started))).toBeUndefined();
  });

  it('stopping twice keeps the first count', () => {
    expect(stoppedSpec(stoppedSpec(spec(2))).Labels?.[REPLICAS_LABEL]).toBe('2');
  });

  it('a global service is left alone', () => {
    const g = { ...spec(1), Mode: { Global: {} } } as ServiceSpec;
    expect(stoppedSpec(g)).toBe(g);
    expect(stoppedReplicas(svc({ ...g, Labels: { [REPLICAS_LABEL]: '2' } }))).toBeUndefined();
  });

  it('scale sets the count and starts a stopped service', () => {
    const s = scaledSpec(stoppedSpec(spec(3)), 5);
    expect(s.Mode).toEqual({ Replicated: { Replicas: 5 } });
    expect(s.Labels?.[REPLICAS_LABEL]).toBeUndefined();
  });
});

describe('create deploys stopped, never stopping what runs', () => {
  const req = { services: [spec(2), { ...spec(1), Name: 'p_db' }], networks: [], volumes: [], secrets: [], configs: [] } as never;
  it('new services at 0 with their count remembered; deployed ones keep their count', () => {
    const deployed = { name: 'p', services: [svc({ ...spec(4), Name: 'p_db' })], tasks: [], networks: [], volumes: [] };
    const out = createdStack(req, deployed).services;
    expect(out[0].Mode).toEqual({ Replicated: { Replicas: 0 } });
    expect(out[0].Labels?.[REPLICAS_LABEL]).toBe('2');
    expect(out[1].Mode).toEqual({ Replicated: { Replicas: 4 } });
    expect(out[1].Labels?.[REPLICAS_LABEL]).toBeUndefined();
  });
});
