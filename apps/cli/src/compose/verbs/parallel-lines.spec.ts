import { describe, expect, it } from 'vitest';
import { ParallelLines } from './parallel-lines';

describe('ParallelLines (1.29 parallel writer)', () => {
  it('piped: padded start lines, then a done line each, CR LF ended', () => {
    const w = new ParallelLines(false);
    w.add('Stopping', ['p_app_1', 'p_db_1']);
    expect(w.initial('Stopping', ['p_app_1', 'p_db_1'])).toBe('Stopping p_app_1 ... \r\nStopping p_db_1  ... \r\n');
    expect(w.status('Stopping', 'p_db_1', 'done')).toBe('Stopping p_db_1  ... done\r\n');
  });

  it('pads to the widest line registered so far only (a later, longer name does not pad earlier lines)', () => {
    const w = new ParallelLines(false);
    w.add('Creating', ['p_db_1']);
    expect(w.initial('Creating', ['p_db_1'])).toBe('Creating p_db_1 ... \r\n');
    w.add('Creating', ['p_app_1']);
    expect(w.status('Creating', 'p_app_1', 'done')).toBe('Creating p_app_1 ... done\r\n');
  });

  it('on a terminal: cursor up by the distance from the bottom, erase, green done, back down (bytes as 1.29 writes them)', () => {
    const w = new ParallelLines(true);
    w.add('Stopping', ['p_app_1', 'p_db_1']);
    expect(w.status('Stopping', 'p_app_1', 'done')).toBe('\x1b[2A\x1b[2K\rStopping p_app_1 ... \x1b[32mdone\x1b[0m\r\x1b[2B');
    expect(w.status('Stopping', 'p_db_1', 'error')).toBe('\x1b[1A\x1b[2K\rStopping p_db_1  ... \x1b[31merror\x1b[0m\r\x1b[1B');
  });
});

describe('ParallelLines.note', () => {
  it('a line written after the progress lines is counted: a status moves up past it', () => {
    const w = new ParallelLines(true);
    w.add('Creating', ['p_a_1']);
    expect(w.note('WARNING: x\n')).toBe('WARNING: x\n');
    expect(w.status('Creating', 'p_a_1', 'done')).toBe('\x1b[2A\x1b[2K\rCreating p_a_1 ... \x1b[32mdone\x1b[0m\r\x1b[2B');
  });
});
