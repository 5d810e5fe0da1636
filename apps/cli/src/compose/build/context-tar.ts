import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as tarFs from 'tar-fs';
import type { Readable } from 'node:stream';
import { contextFilter } from './context-filter';

/** The build context as a tar stream, without what .dockerignore excludes. */
export function packContext(context: string, dockerfile: string): Readable {
  const ignoreFile = join(context, '.dockerignore');
  const keep = contextFilter(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '', dockerfile);
  return tarFs.pack(context, {
    ignore: (name: string) => {
      const rel = relative(context, name).split(sep).join('/');
      return !keep(rel, statSync(name).isDirectory());
    },
  });
}
