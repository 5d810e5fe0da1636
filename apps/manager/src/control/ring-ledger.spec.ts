import { describe, expect, it } from 'vitest';
import type { Service, Task, TaskState } from '@flotilla/contracts';
import { ingressPortsChanged, meshChanged } from './dispatcher.service';
import { RingLedger } from './ring-ledger';
import { ringGapFor } from './ring-pace';

const STALE = 5000;

describe('RingLedger: a node is rung once per fetch, never left without a ring for a change it has not been served', () => {
  it('rings for a change, then not again until the node has fetched', () => {
    const l = new RingLedger();
    l.changed('n', 10);
    expect(l.shouldRing('n', 10, 0, STALE)).toBe(true);
    l.changed('n', 11);
    expect(l.shouldRing('n', 11, 10, STALE)).toBe(false);
    // The fetch answering ring 10 is served at 12: it holds changes 10 and 11.
    l.served('n', 12);
    expect(l.shouldRing('n', 12, 20, STALE)).toBe(false);
    l.changed('n', 13);
    expect(l.shouldRing('n', 13, 30, STALE)).toBe(true);
  });

  it('does not ring for a change the node was served before the bell went', () => {
    const l = new RingLedger();
    l.changed('n', 10);
    l.served('n', 10);
    expect(l.shouldRing('n', 10, 0, STALE)).toBe(false);
  });

  it('rings again for a change after a fetch served before the ring', () => {
    const l = new RingLedger();
    l.changed('n', 10);
    expect(l.shouldRing('n', 10, 0, STALE)).toBe(true);
    // A resync served at 9 (read before the change) answers nothing of ring 10.
    l.served('n', 9);
    l.changed('n', 11);
    expect(l.shouldRing('n', 11, 1, STALE)).toBe(false);
    l.served('n', 11);
    l.changed('n', 12);
    expect(l.shouldRing('n', 12, 2, STALE)).toBe(true);
  });

  it('owes a ring for a change held back by a bell that a fetch read before the change has answered', () => {
    const l = new RingLedger();
    l.changed('n', 10);
    expect(l.shouldRing('n', 10, 0, STALE)).toBe(true);
    l.changed('n', 11);
    expect(l.shouldRing('n', 11, 1, STALE)).toBe(false);
    expect(l.owes('n')).toBe(false);
    // The fetch answering ring 10 was read at 10: change 11 is still news, and no bell is out for it.
    l.served('n', 10);
    expect(l.owes('n')).toBe(true);
    expect(l.shouldRing('n', 11, 2, STALE)).toBe(true);
    expect(l.owes('n')).toBe(false);
    l.served('n', 11);
    expect(l.owes('n')).toBe(false);
  });

  it('rings again when a bell has gone unanswered too long (a lost job), and after forget', () => {
    const l = new RingLedger();
    l.changed('n', 10);
    expect(l.shouldRing('n', 10, 0, STALE)).toBe(true);
    l.changed('n', 11);
    expect(l.shouldRing('n', 11, STALE - 1, STALE)).toBe(false);
    expect(l.shouldRing('n', 11, STALE, STALE)).toBe(true);
    l.forget('n');
    l.changed('n', 12);
    expect(l.shouldRing('n', 12, STALE + 1, STALE)).toBe(true);
  });

  it('a change at or below the newest set served is no news: a resend after a fetch does not hold the next change back', () => {
    const l = new RingLedger();
    l.changed('n', 10);
    expect(l.shouldRing('n', 10, 0, STALE)).toBe(true);
    l.served('n', 10);
    // Redis came back: rings may be lost, but this node holds index 10 already (a bell at 10 it would ignore).
    l.resend('n', 10);
    expect(l.shouldRing('n', 10, 1, STALE)).toBe(false);
    l.changed('n', 11);
    expect(l.shouldRing('n', 11, 2, STALE)).toBe(true);
  });

  it('a resend rings again at once for a change not yet served, whatever bell was ringing', () => {
    const l = new RingLedger();
    l.changed('n', 10);
    expect(l.shouldRing('n', 10, 0, STALE)).toBe(true);
    l.resend('n', 11);
    expect(l.shouldRing('n', 11, 1, STALE)).toBe(true);
  });

  it('says when a change held back by an unanswered bell must be looked at again', () => {
    const l = new RingLedger();
    l.changed('n', 10);
    expect(l.retryAt('n', STALE)).toBeUndefined();
    expect(l.shouldRing('n', 10, 100, STALE)).toBe(true);
    l.changed('n', 11);
    expect(l.shouldRing('n', 11, 200, STALE)).toBe(false);
    expect(l.retryAt('n', STALE)).toBe(100 + STALE);
    l.served('n', 11);
    expect(l.retryAt('n', STALE)).toBeUndefined();
  });

  it('forget drops what was served too (a new worker process holds no set)', () => {
    const l = new RingLedger();
    l.served('n', 10);
    l.changed('n', 10);
    expect(l.shouldRing('n', 10, 0, STALE)).toBe(false);
    l.forget('n');
    l.changed('n', 10);
    expect(l.shouldRing('n', 10, 0, STALE)).toBe(true);
  });

  it('a bell the queue refused leaves the change waiting, to be rung at the next look', () => {
    const l = new RingLedger();
    l.served('n', 9);
    l.changed('n', 10);
    expect(l.shouldRing('n', 10, 0, STALE)).toBe(true);
    l.unrung('n');
    expect(l.shouldRing('n', 10, 1, STALE)).toBe(true);
  });

  it('paces a node: rung less than the gap ago, it waits until the gap is over, then one ring carries every change', () => {
    const l = new RingLedger();
    const GAP = 1000;
    l.changed('n', 10);
    expect(l.shouldRing('n', 10, 0, STALE, GAP)).toBe(true);
    l.served('n', 10);
    l.changed('n', 11);
    expect(l.shouldRing('n', 11, 100, STALE, GAP)).toBe(false);
    expect(l.retryAt('n', STALE, GAP)).toBe(1000);
    l.changed('n', 12);
    expect(l.shouldRing('n', 12, 999, STALE, GAP)).toBe(false);
    expect(l.shouldRing('n', 12, 1000, STALE, GAP)).toBe(true);
    // An unanswered bell is still looked at again after staleMs, not after the gap.
    expect(l.retryAt('n', STALE, GAP)).toBe(1000 + STALE);
    // Without the gap the old behaviour: rung at once after a fetch.
    l.served('n', 12);
    l.changed('n', 13);
    expect(l.shouldRing('n', 13, 1001, STALE)).toBe(true);
    // Nothing owed: no look needed. A forgotten node (a new worker process) is rung at once.
    l.served('n', 13);
    expect(l.retryAt('n', STALE, GAP)).toBeUndefined();
    l.forget('n');
    l.changed('n', 14);
    expect(l.shouldRing('n', 14, 1002, STALE, GAP)).toBe(true);
  });

  it('the gap grows with the cluster: a few nodes are rung at once, a thousand at most once a second', () => {
    expect(ringGapFor(3)).toBe(3);
    expect(ringGapFor(0)).toBe(0);
    expect(ringGapFor(400)).toBe(400);
    expect(ringGapFor(1000)).toBe(1000);
    expect(ringGapFor(5000)).toBe(1000);
  });

  it('keeps nodes apart', () => {
    const l = new RingLedger();
    l.changed('a', 1);
    l.changed('b', 1);
    expect(l.shouldRing('a', 1, 0, STALE)).toBe(true);
    l.served('a', 1);
    expect(l.shouldRing('b', 1, 0, STALE)).toBe(true);
  });
});

describe('meshChanged: which task changes move a routing-mesh backend', () => {
  const t = (state: TaskState, desired: TaskState = 'running') =>
    ({ ID: 't', ServiceID: 's', NodeID: 'n', DesiredState: desired, Status: { State: state } }) as unknown as Task;
  it('starting or stopping to run does; progress before running and a second report do not', () => {
    expect(meshChanged(t('starting'), t('running'))).toBe(true);
    expect(meshChanged(t('running'), t('failed'))).toBe(true);
    expect(meshChanged(t('running'), t('running', 'shutdown'))).toBe(true);
    expect(meshChanged(t('running'), undefined)).toBe(true);
    expect(meshChanged(t('assigned'), t('starting'))).toBe(false);
    expect(meshChanged(t('running'), t('running'))).toBe(false);
    expect(meshChanged(undefined, t('new'))).toBe(false);
  });
});

describe('ingressPortsChanged: which service changes move the mesh of every node', () => {
  const svc = (ports: { PublishedPort: number; TargetPort: number; PublishMode?: 'host' | 'ingress' }[], labels = {}) =>
    ({ ID: 's', Spec: { Name: 's', Labels: labels, EndpointSpec: { Ports: ports } } }) as unknown as Service;
  it('ingress ports added, removed or moved do; labels and host-mode ports do not', () => {
    expect(ingressPortsChanged(undefined, svc([{ PublishedPort: 80, TargetPort: 80 }]))).toBe(true);
    expect(ingressPortsChanged(svc([{ PublishedPort: 80, TargetPort: 80 }]), undefined)).toBe(true);
    expect(ingressPortsChanged(svc([{ PublishedPort: 80, TargetPort: 80 }]), svc([{ PublishedPort: 81, TargetPort: 80 }]))).toBe(true);
    expect(ingressPortsChanged(svc([{ PublishedPort: 80, TargetPort: 80 }]), svc([{ PublishedPort: 80, TargetPort: 80 }], { a: 'b' }))).toBe(false);
    expect(ingressPortsChanged(svc([]), svc([{ PublishedPort: 90, TargetPort: 80, PublishMode: 'host' }]))).toBe(false);
    expect(ingressPortsChanged(undefined, svc([]))).toBe(false);
  });
});

describe('RingLedger: what the metrics read', () => {
  it('a fetch tells when the bell it answered was rung; a fetch no bell asked for tells nothing', () => {
    const l = new RingLedger();
    l.changed('n', 10);
    expect(l.shouldRing('n', 10, 1234, STALE)).toBe(true);
    // Read before the ring's index: it answers nothing.
    expect(l.served('n', 9)).toBeUndefined();
    expect(l.served('n', 10)).toBe(1234);
    // The same bell is not answered twice.
    expect(l.served('n', 11)).toBeUndefined();
    expect(l.served('m', 11)).toBeUndefined();
  });

  it('counts the nodes with a change they have not fetched', () => {
    const l = new RingLedger();
    expect(l.pendingCount()).toBe(0);
    l.changed('a', 5);
    l.changed('b', 5);
    l.changed('b', 6);
    expect(l.pendingCount()).toBe(2);
    l.shouldRing('a', 5, 0, STALE);
    expect(l.pendingCount()).toBe(2);
    l.served('a', 5);
    expect(l.pendingCount()).toBe(1);
    l.served('b', 5);
    expect(l.pendingCount()).toBe(1);
    l.served('b', 6);
    expect(l.pendingCount()).toBe(0);
  });
});
