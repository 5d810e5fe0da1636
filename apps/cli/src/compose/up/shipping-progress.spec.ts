import { describe, expect, it } from 'vitest';
import type { StackState, Task } from '@flotilla/contracts';
import { ttyLine } from '../../progress/service-progress';
import { ShippingProgress } from './shipping-progress';

const task = (id: string, node: string, state: Task['Status']['State'], message: string) =>
  ({ ID: id, NodeID: node, Status: { State: state, Message: message } }) as unknown as Task;
const stack = (...tasks: Task[]): StackState => ({ name: 'p', services: [], tasks, networks: [], volumes: [] });

describe('ShippingProgress', () => {
  it('a line when a node starts fetching an image, done when none of its tasks waits for it', () => {
    const p = new ShippingProgress();
    expect(p.lines(stack(task('a', 'n1aaaaaaaaaaaaaa', 'preparing', 'preparing')))).toEqual([]);
    expect(
      p.lines(stack(task('a', 'n1aaaaaaaaaaaaaa', 'preparing', 'shipping image p_app:latest'), task('b', 'n1aaaaaaaaaaaaaa', 'preparing', 'shipping image p_app:latest'), task('c', 'n2bbbbbbbbbbbbbb', 'preparing', 'shipping image p_app:latest'))),
    ).toEqual(['Shipping image p_app:latest to node n1aaaaaaaaaa ...', 'Shipping image p_app:latest to node n2bbbbbbbbbb ...']);
    expect(p.lines(stack(task('a', 'n1aaaaaaaaaaaaaa', 'starting', 'starting'), task('b', 'n1aaaaaaaaaaaaaa', 'preparing', 'shipping image p_app:latest'), task('c', 'n2bbbbbbbbbbbbbb', 'running', 'started')))).toEqual([
      'Shipping image p_app:latest to node n2bbbbbbbbbb ... done',
    ]);
    expect(p.lines(stack(task('b', 'n1aaaaaaaaaaaaaa', 'running', 'started')))).toEqual(['Shipping image p_app:latest to node n1aaaaaaaaaa ... done']);
    expect(p.lines(stack())).toEqual([]);
  });
});

describe('ShippingProgress on a terminal: bytes as docker draws a pull', () => {
  const n1 = 'n1aaaaaaaaaaaaaa';
  const n2 = 'n2bbbbbbbbbbbbbb';
  const draw = (p: ShippingProgress, s: StackState) => p.frame(s).lines.map((l) => ttyLine(l, 160));

  it('Waiting, then a bar with the bytes the node reported, then Loaded once no task waits', () => {
    const p = new ShippingProgress();
    expect(draw(p, stack(task('a', n1, 'preparing', 'shipping image p_app:latest')))).toEqual(['p_app:latest to node n1aaaaaaaaaa: Waiting']);
    expect(
      draw(p, stack(task('a', n1, 'preparing', 'shipping image p_app:latest: 5.05MB/10.1MB'), task('b', n2, 'preparing', 'shipping image p_app:latest'))),
    ).toEqual([`p_app:latest to node n1aaaaaaaaaa: Sending [${'='.repeat(25)}>${' '.repeat(25)}]   5.05MB/10.1MB`, 'p_app:latest to node n2bbbbbbbbbb: Waiting']);
    expect(draw(p, stack(task('a', n1, 'starting', 'starting'), task('b', n2, 'preparing', 'shipping image p_app:latest: 1kB')))).toEqual([
      'p_app:latest to node n1aaaaaaaaaa: Loaded',
      'p_app:latest to node n2bbbbbbbbbb: Sending 1kB',
    ]);
    expect(p.frame(stack(task('b', n2, 'running', 'started'))).done).toBe(true);
  });

  it('tasks of one node share its transfer: the furthest message is shown', () => {
    const p = new ShippingProgress();
    const lines = draw(p, stack(task('a', n1, 'preparing', 'shipping image p_app:latest: 2MB/10MB'), task('b', n1, 'preparing', 'shipping image p_app:latest: 7MB/10MB')));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ {6}7MB\/10MB$/);
  });

  it('piped: one line as the transfer starts and one when it ends, whatever the bytes in between', () => {
    const p = new ShippingProgress();
    const seen = [
      stack(task('a', n1, 'preparing', 'shipping image p_app:latest')),
      stack(task('a', n1, 'preparing', 'shipping image p_app:latest: 2MB/10MB')),
      stack(task('a', n1, 'preparing', 'shipping image p_app:latest: 9MB/10MB')),
      stack(task('a', n1, 'running', 'started')),
    ].flatMap((s) => p.lines(s));
    expect(seen).toEqual(['Shipping image p_app:latest to node n1aaaaaaaaaa ...', 'Shipping image p_app:latest to node n1aaaaaaaaaa ... done']);
  });
});
