import { describe, expect, it } from 'vitest';
import { checkLinearizable, kvModel } from './linearizability';
import type { KvInput, KvOutput, Operation } from './linearizability';

const put = (call: number, ret: number, key: string, value: string): Operation<KvInput, KvOutput> => ({
  call,
  ret,
  input: { op: 'put', key, value },
  output: { value: '' },
});
const app = (call: number, ret: number, key: string, value: string): Operation<KvInput, KvOutput> => ({
  call,
  ret,
  input: { op: 'append', key, value },
  output: { value: '' },
});
const get = (call: number, ret: number, key: string, value: string): Operation<KvInput, KvOutput> => ({
  call,
  ret,
  input: { op: 'get', key, value: '' },
  output: { value },
});

describe('linearizability checker', () => {
  it.each([
    ['sequential put then get', [put(0, 1, 'x', 'a'), get(2, 3, 'x', 'a')], true],
    ['stale read after a completed write', [put(0, 1, 'x', 'a'), get(2, 3, 'x', '')], false],
    ['concurrent read may see either', [put(0, 10, 'x', 'a'), get(1, 2, 'x', ''), get(3, 4, 'x', 'a')], true],
    ['reads may not go back in time', [put(0, 10, 'x', 'a'), get(1, 2, 'x', 'a'), get(3, 4, 'x', '')], false],
    ['a pending write may take effect', [put(0, Infinity, 'x', 'a'), get(5, 6, 'x', 'a')], true],
    ['an append applied twice is caught', [app(0, 1, 'x', 'a'), get(2, 3, 'x', 'aa')], false],
    ['keys are independent', [put(0, 1, 'x', 'a'), put(0, 1, 'y', 'b'), get(2, 3, 'y', 'b'), get(2, 3, 'x', 'a')], true],
  ] as const)('%s', (_name, ops, want) => {
    expect(checkLinearizable(kvModel, ops).ok).toBe(want);
  });

  it('handles a long concurrent history', () => {
    const ops: Operation<KvInput, KvOutput>[] = [];
    let acc = '';
    for (let i = 0; i < 200; i++) {
      acc += String(i % 10);
      ops.push(app(i * 2, i * 2 + 3, 'k', String(i % 10)));
      if (i % 5 === 0) ops.push(get(i * 2 + 3, i * 2 + 4, 'k', acc));
    }
    expect(checkLinearizable(kvModel, ops).ok).toBe(true);
  });
});
