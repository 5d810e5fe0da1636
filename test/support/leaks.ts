import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A value to look for, and the name a failure gives it. */
export interface Needle {
  what: string;
  bytes: Buffer;
}

/**
 * The value raw, and as it reads inside any base64 text: base64 depends on where the value starts
 * modulo 3, so each of the three alignments gives its own stable run of characters (the ones not
 * touched by a neighbouring byte).
 */
export function secretForms(what: string, value: string): Needle[] {
  const raw = Buffer.from(value);
  const forms: Needle[] = [{ what, bytes: raw }];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.concat([Buffer.alloc(shift), raw]).toString('base64');
    // Keep only the characters whose 6 bits all come from the value (not from a byte before or after).
    const start = Math.ceil((shift * 4) / 3);
    const end = Math.floor(((shift + raw.length) * 4) / 3);
    forms.push({ what: `${what} in base64 (alignment ${shift})`, bytes: Buffer.from(b64.slice(start, end)) });
  }
  return forms;
}

/** Each needle found in `hay`, said as "WHAT in WHERE at byte N: …context…". */
export function findNeedles(hay: Buffer, needles: Needle[], where: string): string[] {
  const found: string[] = [];
  for (const n of needles) {
    const at = hay.indexOf(n.bytes);
    if (at < 0) continue;
    const context = hay.subarray(Math.max(0, at - 40), at + n.bytes.length + 40).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    found.push(`${n.what} in ${where} at byte ${at}: ${context}`);
  }
  return found;
}

/** Mount points of tmpfs file systems (memory, not disk), from this process's mount table. */
export function tmpfsMounts(): Set<string> {
  return new Set(
    readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => l.split(' - ')[1]?.startsWith('tmpfs '))
      .map((l) => l.split(' ')[4]),
  );
}

/** Every regular file under `root` (symlinks not followed; sockets, devices and fifos skipped; nor dirs in `skip`). */
export function regularFiles(root: string, skip: Set<string> = new Set()): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // gone meanwhile, or not a directory we may read
    }
    for (const name of names) {
      const p = join(dir, name);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (!skip.has(p)) walk(p);
      } else if (st.isFile()) out.push(p);
    }
  };
  walk(root);
  return out;
}

/** Searches every regular file under each root; returns what was found where, and how many files were read. */
export function searchTrees(roots: string[], needles: Needle[], skip: Set<string> = new Set()): { found: string[]; files: number } {
  const found: string[] = [];
  let files = 0;
  for (const root of roots) {
    for (const f of regularFiles(root, skip)) {
      let data: Buffer;
      try {
        data = readFileSync(f);
      } catch {
        continue; // removed since the walk (a container's file going away)
      }
      files++;
      found.push(...findNeedles(data, needles, f));
    }
  }
  return { found, files };
}
