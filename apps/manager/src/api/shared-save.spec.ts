import { describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { SharedSaves, type SaveStream } from './shared-save';

/** A fake engine save: a stream the test writes into, and a count of saves and cancels. */
function engine() {
  const saves: PassThrough[] = [];
  let cancelled = 0;
  const open = (): Promise<SaveStream> => {
    const answer = new PassThrough();
    saves.push(answer);
    return Promise.resolve({ answer, cancel: () => (cancelled++, answer.destroy()) });
  };
  return { open, saves, cancelled: () => cancelled };
}

/** A node's end: collects what it gets; `slow` holds each write until released. */
function node(highWaterMark = 1 << 20) {
  const got: Buffer[] = [];
  const held: (() => void)[] = [];
  let slow = false;
  const out = new Writable({
    highWaterMark,
    write(c: Buffer, _e, cb) {
      got.push(c);
      if (slow) held.push(cb);
      else cb();
    },
  });
  const done = new Promise<string>((r) => out.on('finish', () => r(Buffer.concat(got).toString())));
  return { out, done, got: () => Buffer.concat(got).toString(), hold: () => (slow = true), release: () => ((slow = false), held.splice(0).forEach((f) => f())) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SharedSaves: one engine save for the nodes asking together', () => {
  it('two nodes asking at once share one save and both get the whole archive', async () => {
    const e = engine();
    const shared = new SharedSaves();
    const [a, b] = [node(), node()];
    const [fa, fb] = await Promise.all([shared.open('img', e.open), shared.open('img', e.open)]);
    fa(a.out);
    fb(b.out);
    e.saves[0].write('abc');
    e.saves[0].end('def');
    expect(await a.done).toBe('abcdef');
    expect(await b.done).toBe('abcdef');
    expect(e.saves).toHaveLength(1);
  });

  it('a node joining mid-save first gets what was already read', async () => {
    const e = engine();
    const shared = new SharedSaves();
    const a = node();
    (await shared.open('img', e.open))(a.out);
    e.saves[0].write('first-');
    await tick();
    const b = node();
    (await shared.open('img', e.open))(b.out);
    e.saves[0].end('second');
    expect(await a.done).toBe('first-second');
    expect(await b.done).toBe('first-second');
    expect(e.saves).toHaveLength(1);
  });

  it('past the retained size a new asker gets a save of its own', async () => {
    const e = engine();
    const shared = new SharedSaves(4);
    const a = node();
    (await shared.open('img', e.open))(a.out);
    e.saves[0].write('12345');
    await tick();
    const b = node();
    (await shared.open('img', e.open))(b.out);
    expect(e.saves).toHaveLength(2);
    e.saves[0].end('6');
    e.saves[1].end('123456');
    expect(await a.done).toBe('123456');
    expect(await b.done).toBe('123456');
  });

  it('a save that is over is not joined: the next asker starts a new one', async () => {
    const e = engine();
    const shared = new SharedSaves();
    const a = node();
    (await shared.open('img', e.open))(a.out);
    e.saves[0].end('x');
    await a.done;
    (await shared.open('img', e.open))(node().out);
    expect(e.saves).toHaveLength(2);
  });

  it('different images are different saves', async () => {
    const e = engine();
    const shared = new SharedSaves();
    (await shared.open('a', e.open))(node().out);
    (await shared.open('b', e.open))(node().out);
    expect(e.saves).toHaveLength(2);
  });

  it('the save waits for the slowest node (past the queue limit), then goes on', async () => {
    const e = engine();
    const shared = new SharedSaves(64 << 20, 1);
    const [a, b] = [node(1), node(1)];
    (await shared.open('img', e.open))(a.out);
    (await shared.open('img', e.open))(b.out);
    b.hold();
    e.saves[0].write('1');
    e.saves[0].write('2');
    await tick();
    expect(e.saves[0].isPaused()).toBe(true);
    b.release();
    await tick();
    expect(e.saves[0].isPaused()).toBe(false);
    e.saves[0].end('3');
    expect(await a.done).toBe('123');
    expect(await b.done).toBe('123');
  });

  it('a node going away does not stop the others; the last one cancels the engine save', async () => {
    const e = engine();
    const shared = new SharedSaves();
    const [a, b] = [node(), node()];
    (await shared.open('img', e.open))(a.out);
    (await shared.open('img', e.open))(b.out);
    e.saves[0].write('1');
    a.out.destroy();
    await tick();
    expect(e.cancelled()).toBe(0);
    e.saves[0].write('2');
    await tick();
    expect(b.got()).toBe('12');
    b.out.destroy();
    await tick();
    expect(e.cancelled()).toBe(1);
  });

  it('a save the engine refuses throws, and the next asker tries again', async () => {
    const shared = new SharedSaves();
    await expect(shared.open('img', () => Promise.reject(new Error('no such image')))).rejects.toThrow('no such image');
    const e = engine();
    (await shared.open('img', e.open))(node().out);
    expect(e.saves).toHaveLength(1);
  });

  it('an engine error mid-save ends every node with an error', async () => {
    const e = engine();
    const shared = new SharedSaves();
    const a = node();
    (await shared.open('img', e.open))(a.out);
    const failed = new Promise((r) => a.out.on('close', r));
    e.saves[0].destroy(new Error('engine went away'));
    await failed;
    expect(a.out.writableFinished).toBe(false);
  });
});

describe('SharedSaves: a node a little behind does not pause the save', () => {
  it('keeps reading while less than the queue limit waits for a node', async () => {
    const e = engine();
    const shared = new SharedSaves(64 << 20, 1 << 20);
    const a = node(1);
    (await shared.open('img', e.open))(a.out);
    a.hold();
    e.saves[0].write('1');
    e.saves[0].write('2');
    await tick();
    expect(e.saves[0].isPaused()).toBe(false);
    a.release();
    e.saves[0].end('3');
    a.release();
    await tick();
    a.release();
    expect(await a.done).toBe('123');
  });
});
