import { describe, expect, it } from 'vitest';
import type { StackState, Task } from '@flotilla/contracts';
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
