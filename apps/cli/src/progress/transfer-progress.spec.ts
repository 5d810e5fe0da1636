import { describe, expect, it } from 'vitest';
import { PlainProgressWriter, TtyProgressWriter } from './progress-writer';
import { ttyLine } from './service-progress';
import { StepProgress, stepLine } from './step-progress';
import { humanSize, PUSH_WORDS, TransferProgress, transferFrame } from './transfer-progress';

describe('humanSize (docker units.HumanSize)', () => {
  it.each([
    [0, '0B'],
    [999, '999B'],
    [1536, '1.536kB'],
    [3_200_000, '3.2MB'],
    [12_345_678, '12.35MB'],
    [5e9, '5GB'],
  ])('%d is %s', (n, s) => expect(humanSize(n)).toBe(s));
});

describe('transfer lines', () => {
  it.each([
    [{ id: 'a1b2c3d4e5f6', state: 'waiting' as const, current: 0 }, 'a1b2c3d4e5f6: Waiting'],
    [{ id: 'a1b2c3d4e5f6', state: 'sending' as const, current: 1536, total: 3_200_000 }, `a1b2c3d4e5f6: Pushing [>${' '.repeat(50)}]  1.536kB/3.2MB`],
    [{ id: 'a1b2c3d4e5f6', state: 'sending' as const, current: 1_600_000, total: 3_200_000 }, `a1b2c3d4e5f6: Pushing [${'='.repeat(25)}>${' '.repeat(25)}]    1.6MB/3.2MB`],
    [{ id: 'a1b2c3d4e5f6', state: 'sending' as const, current: 2048 }, 'a1b2c3d4e5f6: Pushing 2.048kB'],
    [{ id: 'a1b2c3d4e5f6', state: 'done' as const, current: 3_200_000, total: 3_200_000 }, 'a1b2c3d4e5f6: Pushed'],
    [{ id: 'host2', state: 'failed' as const, current: 0, err: 'connection refused' }, 'host2: connection refused'],
  ])('%j', (item, text) => {
    expect(ttyLine(transferFrame([item], PUSH_WORDS).lines[0], 160)).toBe(text);
  });

  it('is done when nothing waits or is being sent', () => {
    expect(transferFrame([{ id: 'a', state: 'done', current: 1 }, { id: 'b', state: 'failed', current: 0 }]).done).toBe(true);
    expect(transferFrame([{ id: 'a', state: 'done', current: 1 }, { id: 'b', state: 'waiting', current: 0 }]).done).toBe(false);
  });

  it('TransferProgress piped prints each node’s state change once, the bytes not', () => {
    let out = '';
    const p = new TransferProgress(new PlainProgressWriter({ write: (s: string) => (out += s) }));
    p.wait('host2');
    p.start('host1', 1000);
    p.advance('host1', 400);
    p.advance('host1', 600);
    p.done('host1');
    p.fail('host2', 'no space left on device');
    p.end();
    expect(out).toBe('host2: Waiting\nhost1: Loaded\nhost2: no space left on device\n');
  });

  it('TransferProgress on a terminal redraws its lines in place', () => {
    let out = '';
    const p = new TransferProgress(new TtyProgressWriter({ write: (s: string) => (out += s), isTTY: true, columns: 160 }));
    p.start('host1', 1000);
    p.advance('host1', 500);
    expect(out).toBe(`\x1b[2K\rhost1: Sending [>${' '.repeat(50)}]       0B/1kB\n\x1b[1A\x1b[2K\rhost1: Sending [${'='.repeat(25)}>${' '.repeat(25)}]     500B/1kB\n`);
  });
});

describe('step progress (swarm join)', () => {
  it('numbers the steps', () => expect(stepLine(2, 3, 'Starting the worker')).toBe('[2/3] Starting the worker'));

  it('on a terminal: one line redrawn, cleared at the end', () => {
    let out = '';
    const s = new StepProgress(2, { write: (x: string) => (out += x), isTTY: true });
    s.step('Checking the manager at 10.0.0.1:2377');
    s.step('Starting the worker');
    s.end();
    expect(out).toBe('\x1b[2K\r[1/2] Checking the manager at 10.0.0.1:2377\x1b[2K\r[2/2] Starting the worker\x1b[2K\r');
  });

  it('piped: nothing, so the output is docker’s own', () => {
    let out = '';
    const s = new StepProgress(2, { write: (x: string) => (out += x), isTTY: false });
    s.step('Checking the manager');
    s.end();
    expect(out).toBe('');
  });
});
