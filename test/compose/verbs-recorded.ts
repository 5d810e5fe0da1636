import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One docker-compose 1.29.2 call as recorded in fixtures/verbs/compose-1.29-*.txt. */
export interface Recorded {
  args: string;
  stdout: string;
  stderr: string;
  exit: number;
}

const DIR = join(__dirname, 'fixtures', 'verbs');

/** The calls of a recording, in order (`=== docker-compose.yml ARGS`, then --stdout, --stderr, --exit N). */
export function recording(file: string): Recorded[] {
  const text = readFileSync(join(DIR, file), 'utf8');
  const out: Recorded[] = [];
  const re = /^=== (?:.*?docker-compose\.yml )?(.*)\n--stdout\n([\s\S]*?)--stderr\n([\s\S]*?)--exit (\d+)$/gm;
  for (const m of text.matchAll(re)) out.push({ args: m[1], stdout: m[2], stderr: m[3], exit: Number(m[4]) });
  return out;
}

/**
 * The nth (0-based) recorded call with these arguments, its project name replaced by `project` and
 * each recorded image ID (full or short) by the one this engine has (`images`: recorded -> now):
 * setup.sh builds the images afresh on a new machine, with other IDs.
 */
export function recorded(calls: Recorded[], args: string, project: string, nth = 0, images: Record<string, string> = {}): Recorded {
  const hit = calls.filter((c) => c.args === args)[nth];
  if (!hit) throw new Error(`no recorded call "${args}" #${nth}`);
  const swap = (s: string) => {
    let out = s.replaceAll('v129_', `${project}_`);
    for (const [then, now] of Object.entries(images)) out = out.replaceAll(then, now).replaceAll(then.slice(0, 12), now.slice(0, 12));
    return out;
  };
  return { ...hit, stdout: swap(hit.stdout), stderr: swap(hit.stderr) };
}

/** Lines, order aside: 1.29 prints parallel progress in completion order. */
export const lineSet = (s: string) => s.split('\n').filter(Boolean).sort();
