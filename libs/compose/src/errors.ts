export interface ComposeProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** Every problem found in the project's files, each with where it is. */
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
