import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planUp, parseTimeout, type UpFlags } from './up-options';

const ref = JSON.parse(
  readFileSync(join(__dirname, '../../../../../test/compose/fixtures/up-attached/reference-1.29.json'), 'utf8'),
) as { cases: Record<string, { stderr: string; code: number }> };
const base: UpFlags = { color: true, logPrefix: true };
const names = ['web', 'stubborn', 'job'];

function attempt(f: Partial<UpFlags>) {
  const warnings: string[] = [];
  try {
    return { plan: planUp({ ...base, ...f }, names, (w) => warnings.push(w)), warnings };
  } catch (e) {
    return { error: (e as Error).message, code: (e as { exitCode: number }).exitCode, warnings };
  }
}

describe("up's flags, refused in 1.29's words", () => {
  it.each<[string, Partial<UpFlags>]>([
    ['detach-and-abort', { detach: true, abortOnContainerExit: true }],
    ['force-and-no-recreate', { forceRecreate: true, noRecreate: true }],
    ['exit-code-from-unknown', { exitCodeFrom: 'nope' }],
  ])('%s', (name, f) => {
    const rec = ref.cases[name];
    const r = attempt(f);
    // 1.29's stderr: its warnings, its error, then a stray exit-status line some of its paths print.
    const lines = rec.stderr.trim().split('\n').filter((l) => !/^\d+$/.test(l));
    expect([...r.warnings, r.error]).toEqual(lines);
    expect(r.code).toBe(rec.code);
  });

  it.each<[string, Partial<UpFlags>, object]>([
    ['default', {}, { strategy: 'changed', cascade: false, timeout: undefined }],
    ['--force-recreate', { forceRecreate: true }, { strategy: 'always' }],
    ['--no-recreate', { noRecreate: true }, { strategy: 'never' }],
    ['--abort-on-container-exit', { abortOnContainerExit: true }, { cascade: true }],
    ['--exit-code-from implies it', { exitCodeFrom: 'job' }, { cascade: true, exitCodeFrom: 'job' }],
    ['-t 3', { timeout: '3' }, { timeout: 3 }],
  ])('%s', (_n, f, want) => {
    expect(attempt(f).plan).toMatchObject(want);
  });

  it('warns once that --exit-code-from implies --abort-on-container-exit, not when both are given', () => {
    expect(attempt({ exitCodeFrom: 'job' }).warnings).toEqual(['using --exit-code-from implies --abort-on-container-exit']);
    expect(attempt({ exitCodeFrom: 'job', abortOnContainerExit: true }).warnings).toEqual([]);
  });

  it.each([['x'], ['1.5'], ['']])('-t %j is not a number', (v) => {
    expect(() => parseTimeout(v)).toThrow(/invalid literal for int\(\) with base 10/);
  });
});
