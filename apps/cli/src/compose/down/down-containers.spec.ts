import { describe, expect, it } from 'vitest';
import type { Service, Task } from '@flotilla/contracts';
import type { StackState } from '../../client/api-client';
import { downContainers } from './down-containers';

const svc = (id: string, replicas: number, labels: Record<string, string> = {}): Service =>
  ({ ID: id, Spec: { Name: `p_${id}`, Labels: { 'com.docker.compose.service': id, ...labels }, Mode: { Replicated: { Replicas: replicas } }, TaskTemplate: { ContainerSpec: { Image: 'i' } } } }) as unknown as Service;
const task = (service: string, slot: number, state: string): Task =>
  ({ ID: `${service}${slot}`, ServiceID: service, Slot: slot, NodeID: 'n1', CreatedAt: '2026-01-01T00:00:00Z', DesiredState: 'running', Spec: { ContainerSpec: { Image: 'i' } }, Status: { State: state, ContainerStatus: { ContainerID: `c${service}${slot}` } } }) as unknown as Task;

describe('downContainers', () => {
  it('stops what runs; removes every container, a stopped service its remembered ones too, sorted as 1.29', () => {
    const s: StackState = {
      name: 'p',
      services: [svc('web', 2), svc('db', 1), svc('app', 0, { 'io.flotilla.compose.replicas': '2' })],
      tasks: [task('web', 1, 'running'), task('web', 2, 'failed'), task('db', 1, 'running')],
      networks: [],
      volumes: [],
    };
    const d = downContainers(s, 'p');
    expect(d.running.map((c) => c.name)).toEqual(['p_db_1', 'p_web_1']);
    expect(d.all).toEqual(['p_app_1', 'p_app_2', 'p_db_1', 'p_web_1', 'p_web_2']);
  });
});
