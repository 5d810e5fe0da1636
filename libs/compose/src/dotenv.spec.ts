import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv';

describe('parseDotenv', () => {
  it.each([
    ['A=1', { A: '1' }],
    ['A = 1 ', { A: '1' }],
    ['export A=1', { A: '1' }],
    ['# comment\n\nA=1\n  # indented comment', { A: '1' }],
    ['A=value # comment', { A: 'value' }],
    ['A=value#not-a-comment', { A: 'value#not-a-comment' }],
    ['A="quoted # not comment"', { A: 'quoted # not comment' }],
    ["A='single $NOT \\n'", { A: 'single $NOT \\n' }],
    ['A="line\\nbreak\\t\\"q\\""', { A: 'line\nbreak\t"q"' }],
    ['A="multi\nline"\nB=2', { A: 'multi\nline', B: '2' }],
    ["A='multi\nline'", { A: 'multi\nline' }],
    ["A='Let\\'s go'", { A: "Let's go" }],
    ['A=', { A: '' }],
    ['A=""', { A: '' }],
    ['A=a=b', { A: 'a=b' }],
    ['VAR.WITH.DOTS=1\nVAR-DASH=2', { 'VAR.WITH.DOTS': '1', 'VAR-DASH': '2' }],
    ['A=1\nB=${A}-x\nC=$A\nD="${A}"\nE=\'${A}\'', { A: '1', B: '1-x', C: '$A', D: '1', E: '1' }],
    ['A=${UNDEFINED:-dflt}', { A: 'dflt' }],
    ['E=\nA=${E:-dflt}', { E: '', A: '' }],
    ['A=pa$$word$', { A: 'pa$$word$' }],
    ['\uFEFFA=1', { A: '1' }],
    ['A=1\r\nB=2\r\n', { A: '1', B: '2' }],
  ])('%j', (text, want) => {
    expect(parseDotenv(text)).toEqual(want);
  });

  it('takes a bare KEY and ${VAR} from the lookup (the shell), the file first', () => {
    expect(parseDotenv('FROM_SHELL\nMISSING\nA=x\nB=${A}${S}', { FROM_SHELL: 's', A: 'shell-a', S: '!' })).toEqual({ FROM_SHELL: 's', A: 'x', B: 'x!' });
  });

  it('reports unreadable lines with their number and keeps the rest', () => {
    const problems: { line: number; message: string }[] = [];
    expect(parseDotenv('A=1\nINVALID LINE\nB=2\nC="open', {}, problems)).toEqual({ A: '1', B: '2' });
    expect(problems.map((p) => p.line)).toEqual([2, 4]);
  });
});
