/**
 * A linearizability checker in the style of Porcupine (anishathalye/porcupine,
 * after Wing & Gong and Lowe's "Testing for linearizability"): depth-first
 * search over the order of overlapping operations, memoising
 * (set of linearized operations, model state) so each configuration is
 * explored once, with histories partitioned by key first.
 */
export interface Operation<I, O> {
  readonly call: number;
  /** Infinity when the caller never heard back (the operation may or may not have happened). */
  readonly ret: number;
  readonly input: I;
  readonly output: O;
}

export interface Model<S, I, O> {
  init(): S;
  /** Whether `input` applied to `state` may produce `output`, and the state after. */
  step(state: S, input: I, output: O): [boolean, S];
  /** A string that identifies a state, for memoisation. */
  key(state: S): string;
  partition?(ops: readonly Operation<I, O>[]): Operation<I, O>[][];
}

export type CheckResult = { ok: true } | { ok: false; unknown: boolean; partition: number };

interface Node {
  id: number;
  isCall: boolean;
  time: number;
  match: Node | null;
  prev: Node | null;
  next: Node | null;
}

/**
 * `maxStates` and `budgetMs` bound the search (it is exponential in the worst
 * case, e.g. many operations whose outcome is unknown): past either bound the
 * answer is `unknown`, never a hang.
 */
export function checkLinearizable<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  maxStates = 2_000_000,
  budgetMs = Infinity,
): CheckResult {
  const parts = model.partition ? model.partition(ops) : [ops as Operation<I, O>[]];
  const deadline = performance.now() + budgetMs;
  for (let p = 0; p < parts.length; p++) {
    const r = checkOne(model, parts[p], maxStates, deadline);
    if (r !== 'ok') return { ok: false, unknown: r === 'unknown', partition: p };
  }
  return { ok: true };
}

function checkOne<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], maxStates: number, deadline: number): 'ok' | 'bad' | 'unknown' {
  const events: Node[] = [];
  ops.forEach((op, id) => {
    const call: Node = { id, isCall: true, time: op.call, match: null, prev: null, next: null };
    const ret: Node = { id, isCall: false, time: op.ret, match: null, prev: null, next: null };
    call.match = ret;
    events.push(call, ret);
  });
  // Calls before returns at equal times: touching operations count as concurrent.
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? 0 : a.isCall ? -1 : 1));
  const head: Node = { id: -1, isCall: false, time: -Infinity, match: null, prev: null, next: null };
  let prev = head;
  for (const e of events) {
    prev.next = e;
    e.prev = prev;
    prev = e;
  }
  const done = new Uint32Array(Math.ceil(ops.length / 32) + 1);
  const seen = new Set<string>();
  const stack: { node: Node; state: S }[] = [];
  let state = model.init();
  let entry = head.next;
  while (head.next !== null) {
    if (entry === null) return 'bad';
    if (entry.isCall) {
      const op = ops[entry.id];
      const [ok, next] = model.step(state, op.input, op.output);
      if (ok) {
        done[entry.id >> 5] |= 1 << (entry.id & 31);
        const key = `${done.join(',')}|${model.key(next)}`;
        if (!seen.has(key)) {
          if (seen.size >= maxStates) return 'unknown';
          if ((seen.size & 1023) === 0 && performance.now() > deadline) return 'unknown';
          seen.add(key);
          stack.push({ node: entry, state });
          state = next;
          lift(entry);
          entry = head.next;
          continue;
        }
        done[entry.id >> 5] &= ~(1 << (entry.id & 31));
      }
      entry = entry.next;
    } else {
      const top = stack.pop();
      if (!top) return 'bad';
      state = top.state;
      done[top.node.id >> 5] &= ~(1 << (top.node.id & 31));
      unlift(top.node);
      entry = top.node.next;
    }
  }
  return 'ok';
}

function lift(e: Node): void {
  (e.prev as Node).next = e.next;
  if (e.next) e.next.prev = e.prev;
  const m = e.match as Node;
  (m.prev as Node).next = m.next;
  if (m.next) m.next.prev = m.prev;
}

function unlift(e: Node): void {
  const m = e.match as Node;
  (m.prev as Node).next = m;
  if (m.next) m.next.prev = m;
  (e.prev as Node).next = e;
  if (e.next) e.next.prev = e;
}

/** A key-value register history: put/append/get on string values, partitioned by key. */
export type KvInput = { op: 'put' | 'append' | 'get'; key: string; value: string };
export type KvOutput = { value: string };

export const kvModel: Model<string, KvInput, KvOutput> = {
  init: () => '',
  step(state, input, output) {
    switch (input.op) {
      case 'put':
        return [true, input.value];
      case 'append':
        return [true, state + input.value];
      case 'get':
        return [output.value === state, state];
    }
  },
  key: (s) => s,
  partition(ops) {
    const by = new Map<string, Operation<KvInput, KvOutput>[]>();
    for (const op of ops) {
      const xs = by.get(op.input.key) ?? [];
      xs.push(op);
      by.set(op.input.key, xs);
    }
    return [...by.values()];
  },
};
