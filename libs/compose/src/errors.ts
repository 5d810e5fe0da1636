import type { Path, Position } from './positions';

export interface ComposeProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** Every problem found in the project's files, each with where it is; the message has one line per problem. */
export class ComposeError extends Error {
  override name = 'ComposeError';
  constructor(readonly problems: ComposeProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(p: ComposeProblem): string {
  const at = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `${at}: ${p.message}`;
}

/** Something that can say where a path of the merged project came from. */
export type Locate = (path: Path) => { file: string; pos?: Position };

/** Collects problems so a file reports all of them, not only the first. */
export class Problems {
  readonly list: ComposeProblem[] = [];

  add(file: string, pos: Position | undefined, message: string): void {
    const key = `${file}\0${pos?.line}\0${pos?.column}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ file, ...(pos ? { line: pos.line, column: pos.column } : {}), message });
  }

  at(locate: Locate, path: Path, message: string): void {
    const { file, pos } = locate(path);
    this.add(file, pos, message);
  }

  get size(): number {
    return this.list.length;
  }

  /** Throws when anything was found; problems grouped by file (first seen first), then by line and column. */
  throwIfAny(): void {
    if (!this.list.length) return;
    const fileOrder = new Map<string, number>();
    for (const p of this.list) if (!fileOrder.has(p.file)) fileOrder.set(p.file, fileOrder.size);
    const sorted = [...this.list].sort(
      (a, b) => fileOrder.get(a.file)! - fileOrder.get(b.file)! || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
    throw new ComposeError(sorted);
  }

  private readonly seen = new Set<string>();
}
