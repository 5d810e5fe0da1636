import { describe, expect, it } from 'vitest';
import { TurnShares } from '@flotilla/raft-host';
import { nodeCallPacing, TurnBudget } from './turn-budget';
import type { NextFunction, Request, Response } from 'express';

/** A clock the test moves and a "later" queue the test runs, as the event loop would. */
function harness(budgetMs: number) {
  let t = 0;
  const pending: (() => void)[] = [];
  const budget = new TurnBudget(budgetMs, () => t, (f) => pending.push(f), new TurnShares(1000));
  const endTurn = () => {
    for (const f of pending.splice(0)) f();
  };
  return { budget, endTurn, advance: (ms: number) => (t += ms), pending };
}

describe('TurnBudget', () => {
  it('runs calls at once while the turn has budget, defers the rest to later turns in order', () => {
    const h = harness(20);
    const ran: number[] = [];
    // Each call takes 8 ms of the turn.
    const call = (i: number) => () => {
      ran.push(i);
      h.advance(8);
    };
    for (let i = 0; i < 8; i++) h.budget.run(call(i));
    expect(ran).toEqual([0, 1, 2]);
    expect(h.budget.waiting).toBe(5);
    h.endTurn();
    expect(ran).toEqual([0, 1, 2, 3, 4, 5]);
    h.endTurn();
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(h.budget.waiting).toBe(0);
    h.endTurn();
    expect(h.pending).toHaveLength(0);
  });

  it('a call never jumps the queue, and a new turn after an idle loop has its whole budget', () => {
    const h = harness(20);
    const ran: string[] = [];
    h.budget.run(() => (ran.push('a'), h.advance(25)));
    h.budget.run(() => ran.push('b'));
    h.budget.run(() => ran.push('c'));
    expect(ran).toEqual(['a']);
    h.endTurn();
    expect(ran).toEqual(['a', 'b', 'c']);
    h.endTurn();
    // Idle for a second: the next call runs at once.
    h.advance(1000);
    h.budget.run(() => ran.push('d'));
    expect(ran).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('nodeCallPacing', () => {
  it('paces only the node calls', () => {
    const h = harness(0);
    const mw = nodeCallPacing(h.budget);
    const seen: string[] = [];
    const go = (url: string) => mw({ url } as Request, {} as Response, (() => seen.push(url)) as NextFunction);
    go('/flotilla/v1/nodes/abc123/assignments?since=4');
    go('/flotilla/v1/nodes/abc123/status');
    go('/v1.41/services');
    go('/flotilla/v1/nodes/register');
    go('/flotilla/v1/nodes/abc123/heartbeat');
    expect(seen).toEqual(['/v1.41/services', '/flotilla/v1/nodes/register', '/flotilla/v1/nodes/abc123/heartbeat']);
    // No budget at all: one waiting call a turn still goes.
    h.endTurn();
    expect(seen).toHaveLength(4);
    h.endTurn();
    expect(seen.slice(3)).toEqual(['/flotilla/v1/nodes/abc123/assignments?since=4', '/flotilla/v1/nodes/abc123/status']);
  });
});

describe('TurnBudget steps', () => {
  it('times each waiting call in a step of its own, so work a call leaves for later jobs counts against the turn', () => {
    const h = harness(20);
    const ran: number[] = [];
    // A call whose work happens after it returns (as Nest's handler runs in promise jobs): the
    // test runs "the jobs" before the next step, as Node does between two immediates.
    const deferredWork: (() => void)[] = [];
    const call = (i: number) => () => {
      deferredWork.push(() => {
        ran.push(i);
        h.advance(8);
      });
    };
    // Arrivals in the poll phase: each its own I/O callback, its jobs run before the next.
    for (let i = 0; i < 10; i++) {
      h.budget.run(call(i));
      for (const f of deferredWork.splice(0)) f();
    }
    expect(ran).toEqual([0, 1, 2]);
    // One check phase: the steps with the jobs between them.
    const steps = h.pending.splice(0);
    for (const s of steps) {
      s();
      for (const f of deferredWork.splice(0)) f();
    }
    // 8 ms each against a 20 ms budget: three calls went (the third started at 16 ms), not all seven.
    expect(ran).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.budget.waiting).toBe(4);
    // Later turns take the rest, in order.
    for (let turn = 0; turn < 3 && h.pending.length > 0; turn++) {
      for (const s of h.pending.splice(0)) {
        s();
        for (const f of deferredWork.splice(0)) f();
      }
    }
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(h.budget.waiting).toBe(0);
  });
});
