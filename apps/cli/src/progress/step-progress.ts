import type { ProgressOutput } from './progress-writer';

/** `[2/3] Starting the worker`: where a multi-step command is (pure). */
export function stepLine(index: number, count: number, text: string): string {
  return `[${index}/${count}] ${text}`;
}

/**
 * The steps of a command such as `swarm join` on one line redrawn in place, on a
 * terminal only: piped, the command prints exactly what docker's does and nothing more.
 */
export class StepProgress {
  private index = 0;
  private shown = false;

  constructor(
    private readonly count: number,
    private readonly out: ProgressOutput = process.stderr,
  ) {}

  step(text: string): void {
    this.index = Math.min(this.index + 1, this.count);
    if (!this.out.isTTY) return;
    this.out.write(`\x1b[2K\r${stepLine(this.index, this.count, text)}`);
    this.shown = true;
  }

  /** Clears the step line, so the command's own answer stands alone (also before an error). */
  end(): void {
    if (this.shown) this.out.write('\x1b[2K\r');
    this.shown = false;
  }
}
