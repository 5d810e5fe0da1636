import { plainLine, ttyLine, type ProgressFrame, type ProgressLine } from './service-progress';

export interface ProgressOutput {
  write(s: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Shows frames one after the other; `end` adds the last line. */
export interface ProgressWriter {
  update(frame: ProgressFrame): void;
  end(last?: ProgressLine): void;
}

/** On a terminal: the frame redrawn in place (cursor up, clear line), as docker's jsonmessage does. */
export class TtyProgressWriter implements ProgressWriter {
  private shown = 0;
  constructor(private readonly out: ProgressOutput) {}

  update(frame: ProgressFrame): void {
    const cols = this.out.columns ?? 80;
    let s = this.shown > 0 ? `\x1b[${this.shown}A` : '';
    for (const l of frame.lines) s += `\x1b[2K\r${ttyLine(l, cols)}\n`;
    // A frame shorter than the last one clears what is left below it.
    for (let i = frame.lines.length; i < this.shown; i++) s += '\x1b[2K\n';
    this.shown = Math.max(this.shown, frame.lines.length);
    this.out.write(s);
  }

  end(last?: ProgressLine): void {
    if (last) this.out.write(`${ttyLine(last, this.out.columns ?? 80)}\n`);
  }
}

/**
 * Piped: only lines without a bar, each when its text changes, as docker prints
 * to a pipe (its repeats of an unchanged line left out).
 */
export class PlainProgressWriter implements ProgressWriter {
  private readonly last = new Map<string, string>();
  constructor(private readonly out: ProgressOutput) {}

  update(frame: ProgressFrame): void {
    let s = '';
    for (const l of frame.lines) {
      if (l.bar || this.last.get(l.id) === l.text) continue;
      this.last.set(l.id, l.text);
      s += `${plainLine(l)}\n`;
    }
    if (s) this.out.write(s);
  }

  end(last?: ProgressLine): void {
    if (last) this.out.write(`${plainLine(last)}\n`);
  }
}

/** Nothing at all (`-q`). */
export const quietProgress: ProgressWriter = { update: () => undefined, end: () => undefined };

/**
 * The writer for this process: redrawn on stdout when it is a terminal (as docker);
 * piped, plain lines on stderr, so `$(flotilla service create …)` is still just the id.
 */
export function progressWriter(quiet = false, stdout: ProgressOutput = process.stdout, stderr: ProgressOutput = process.stderr): ProgressWriter {
  if (quiet) return quietProgress;
  return stdout.isTTY ? new TtyProgressWriter(stdout) : new PlainProgressWriter(stderr);
}
