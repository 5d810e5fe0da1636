/**
 * docker-compose 1.29's parallel progress writer, as a pure text builder: one line per
 * `VERB NAME`, padded to the widest line registered so far. Piped, each status is a new line
 * ending in CR LF (1.29 writes `\r\n` there); on a terminal, the line is rewritten in place
 * (cursor up, erase, the status coloured, cursor back down), as 1.29 does.
 */
export class ParallelLines {
  private readonly keys: string[] = [];
  private width = 0;

  constructor(private readonly ansi: boolean) {}

  /** Registers lines before any is written: 1.29 pads each one to the widest so far. */
  add(verb: string, names: readonly string[]): void {
    for (const n of names) {
      this.keys.push(`${verb} ${n}`);
      this.width = Math.max(this.width, `${verb} ${n}`.length);
    }
  }

  /** A line written among the progress lines (a warning): counted, so a later status finds its own line. */
  note(text: string): string {
    for (let i = 0; i < text.split('\n').length - 1; i++) this.keys.push('');
    return text;
  }

  /** `Creating p_db_1 ... ` lines, a new line each. */
  initial(verb: string, names: readonly string[]): string {
    return names.map((n) => `${this.pad(verb, n)} ... \r\n`).join('');
  }

  /** The status of one line: a new line when piped, the old one rewritten on a terminal. */
  status(verb: string, name: string, status: 'done' | 'error'): string {
    if (!this.ansi) return `${this.pad(verb, name)} ... ${status}\r\n`;
    const at = this.keys.lastIndexOf(`${verb} ${name}`);
    const up = this.keys.length - (at < 0 ? this.keys.length - 1 : at);
    const colour = status === 'done' ? 32 : 31;
    return `\x1b[${up}A\x1b[2K\r${this.pad(verb, name)} ... \x1b[${colour}m${status}\x1b[0m\r\x1b[${up}B`;
  }

  private pad(verb: string, name: string): string {
    return `${verb} ${name}`.padEnd(this.width);
  }
}
