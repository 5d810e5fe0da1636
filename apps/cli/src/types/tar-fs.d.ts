// tar-fs ships no types; only pack() is used.
declare module 'tar-fs' {
  import type { Readable } from 'node:stream';
  export function pack(dir: string, opts?: { ignore?: (name: string) => boolean; dereference?: boolean }): Readable;
}
