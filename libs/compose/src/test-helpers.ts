/** Test helper (not exported from index): writes files into a fresh temp dir and loads them as a project. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ComposeError } from './errors';
import { loadProject, type LoadOptions } from './load';
import type { ComposeProject } from './model';

export function writeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-compose-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Loads `files` (the first, or `opts.files`) from a temp dir named `proj`, with an empty environment by default. */
export function load(files: Record<string, string>, opts: LoadOptions = {}): ComposeProject {
  const dir = writeTree(files);
  return loadProject({ env: {}, projectName: 'proj', ...opts, workingDir: dir, files: opts.files ?? [Object.keys(files)[0]] });
}

/** The problems a bad project yields ("LINE:COL message", file names dropped), or throws if it loads. */
export function problemsOf(files: Record<string, string>, opts: LoadOptions = {}): string[] {
  try {
    load(files, opts);
  } catch (e) {
    if (e instanceof ComposeError) return e.problems.map((p) => `${p.line ?? '-'}:${p.column ?? '-'} ${p.message}`);
    throw e;
  }
  throw new Error('the project loaded without problems');
}
