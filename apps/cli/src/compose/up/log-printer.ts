/**
 * docker-compose 1.29's log presentation (compose/cli/log_printer.py, colors.py), as pure functions:
 * `web_1  | line`, the prefix padded to the longest service name plus 3, coloured per container.
 */

/** 1.29's rainbow: cyan, yellow, green, magenta, blue, then their intense (bold) variants. */
export const RAINBOW = ['36', '33', '32', '35', '34', '36;1', '33;1', '32;1', '35;1', '34;1'] as const;

export interface Presenter {
  /** SGR code, or undefined for monochrome. */
  colour?: string;
  width: number;
  prefix: boolean;
}

export function paint(colour: string | undefined, s: string): string {
  return colour === undefined ? s : `\x1b[${colour}m${s}\x1b[0m`;
}

/** Room for `SERVICE_N`: every service of the project counts, attached or not (1.29's max_name_width). */
export function prefixWidth(serviceNames: readonly string[]): number {
  return Math.max(0, ...serviceNames.map((n) => n.length)) + 3;
}

/**
 * One presenter per container, colours cycling in the order of the containers' full names
 * (1.29 sorts them so that the assignment is deterministic).
 */
export function assignPresenters(
  containerNames: readonly string[],
  o: { serviceNames: readonly string[]; monochrome: boolean; prefix: boolean },
): Map<string, Presenter> {
  const width = prefixWidth(o.serviceNames);
  const out = new Map<string, Presenter>();
  [...containerNames].sort().forEach((name, i) => {
    out.set(name, { colour: o.monochrome ? undefined : RAINBOW[i % RAINBOW.length], width, prefix: o.prefix });
  });
  return out;
}

/** A presenter for a container that appeared later (a replacement): the next colour in the cycle. */
export function nextPresenter(known: Map<string, Presenter>, name: string, o: { monochrome: boolean; width: number; prefix: boolean }): Presenter {
  const p = known.get(name);
  if (p) return p;
  const fresh = { colour: o.monochrome ? undefined : RAINBOW[known.size % RAINBOW.length], width: o.width, prefix: o.prefix };
  known.set(name, fresh);
  return fresh;
}

/** `web_1  | line`: only `web_1  |` is coloured, as in 1.29. */
export function presentLine(p: Presenter, shortName: string, line: string): string {
  if (!p.prefix) return `${line}\n`;
  return `${paint(p.colour, `${shortName.padEnd(p.width)} |`)} ${line}\n`;
}

/** The line a followed container ends with; 1.29 colours it newline included. */
export function exitLine(p: Presenter, fullName: string, code: number): string {
  return paint(p.colour, `${fullName} exited with code ${code}\n`);
}

/**
 * 1.29 colours log prefixes unless --no-color, on a TTY or not; NO_COLOR (no-color.org), which 1.29
 * ignores, also turns them off: a user who sets it asks for exactly that.
 */
export function monochrome(o: { color: boolean; env: Record<string, string | undefined> }): boolean {
  return !o.color || (o.env.NO_COLOR !== undefined && o.env.NO_COLOR !== '');
}

export const attachingLine = (names: readonly string[]) => `Attaching to ${names.join(', ')}\n`;
export const GRACEFUL = 'Gracefully stopping... (press Ctrl+C again to force)\n';
export const ABORTING = 'Aborting on container exit...\n';
