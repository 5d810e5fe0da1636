import { afterAll, describe, expect, it } from 'vitest';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packContext } from './context-tar';

const dirs: string[] = [];

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-ctx-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

/** The file names in the tar packContext produces (directories left out), as tar(1) lists them. */
async function filesOf(dir: string, dockerfile = 'Dockerfile'): Promise<string[]> {
  const out = mkdtempSync(join(tmpdir(), 'flotilla-tar-'));
  dirs.push(out);
  await pipeline(packContext(dir, dockerfile), createWriteStream(join(out, 'ctx.tar')));
  return execFileSync('tar', ['-tf', join(out, 'ctx.tar')], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l !== '' && statSync(join(dir, l)).isFile())
    .sort();
}

afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('packContext', () => {
  it('leaves out what .dockerignore excludes and keeps its exceptions', async () => {
    const d = tree({
      Dockerfile: 'FROM scratch',
      '.dockerignore': 'secret.txt\nlogs/*.log\n!logs/keep.log\n',
      'app.txt': 'a',
      'secret.txt': 's',
      'logs/a.log': 'x',
      'logs/keep.log': 'k',
    });
    dirs.push(d);
    expect(await filesOf(d)).toEqual(['.dockerignore', 'Dockerfile', 'app.txt', 'logs/keep.log']);
  });

  it('sends everything without a .dockerignore', async () => {
    const d = tree({ Dockerfile: 'FROM scratch', 'a/b/c.txt': 'c' });
    dirs.push(d);
    expect(await filesOf(d)).toEqual(['Dockerfile', 'a/b/c.txt']);
  });

  it('keeps an ignored custom Dockerfile', async () => {
    const d = tree({ 'build/Dockerfile.x': 'FROM scratch', 'build/other': 'o', '.dockerignore': 'build\n', 'x.txt': 'x' });
    dirs.push(d);
    expect(await filesOf(d, 'build/Dockerfile.x')).toEqual(['.dockerignore', 'build/Dockerfile.x', 'x.txt']);
  });
});
