import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import type { LogLevel } from './log-level';

/** Nest's method names and the pino level each one writes at. */
const LEVEL_OF = { verbose: 'trace', debug: 'debug', log: 'info', warn: 'warn', error: 'error', fatal: 'fatal' } as const satisfies Record<string, Level>;

/**
 * Nest's LoggerService on pino: every `new Logger(Name).log({ msg, ...fields })`
 * becomes one JSON line with `component` (the Nest context), `node` (this node's
 * id, once known) and the fields at top level; `err` goes through pino's error
 * serializer (type, message, stack).
 */
export class PinoLogger implements LoggerService {
  private node: string | undefined;

  constructor(readonly pino: Logger) {}

  /** A worker learns its node id when it registers: lines from then on carry it. */
  setNode(node: string): void {
    this.node = node;
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(method: keyof typeof LEVEL_OF, message: unknown, params: unknown[]): void {
    const level = LEVEL_OF[method];
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    // Nest appends the context last; `error` may carry a stack before it (Logger.error(msg, stack, ctx)).
    const component = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = method === 'error' && typeof rest[0] === 'string' ? rest[0] : undefined;
    const { msg, fields } = split(message);
    const line: Record<string, unknown> = { ...(component ? { component } : {}), ...(this.node ? { node: this.node } : {}), ...fields };
    if (stack && line.err === undefined) line.stack = stack;
    this.pino[level](line, msg);
  }
}

/** The message string and the fields of what a call site passed (an object, an Error or a string). */
function split(message: unknown): { msg: string | undefined; fields: Record<string, unknown> } {
  if (message instanceof Error) return { msg: message.message, fields: { err: message } };
  if (message !== null && typeof message === 'object' && !Array.isArray(message)) {
    const { msg, message: text, ...fields } = message as Record<string, unknown>;
    const m = msg ?? text;
    return { msg: m === undefined ? undefined : String(m), fields };
  }
  return { msg: String(message), fields: {} };
}

export interface LoggerOptions {
  readonly level: LogLevel;
  /** This node's id, when known at boot (a manager's; a worker's once it has registered). */
  readonly node?: string;
  /** Pretty lines instead of JSON; default: only when the stream is a terminal. */
  readonly pretty?: boolean;
  /** Where lines go; default stdout, errors to stderr, as Nest's ConsoleLogger wrote them. */
  readonly out?: DestinationStream & { isTTY?: boolean };
  readonly errOut?: DestinationStream & { isTTY?: boolean };
}

/** The process's logger: JSON lines (pretty on a terminal), at the chosen level. */
export function createLogger(o: LoggerOptions): PinoLogger {
  const out = o.out ?? process.stdout;
  const errOut = o.errOut ?? process.stderr;
  const stream = pino.multistream(
    [
      { level: 'trace', stream: wrap(out, o.pretty) },
      { level: 'error', stream: wrap(errOut, o.pretty) },
    ],
    // Each line once: an error goes to the error stream only.
    { dedupe: true },
  );
  const logger = new PinoLogger(pino({ level: o.level, base: { pid: process.pid } }, stream));
  if (o.node) logger.setNode(o.node);
  return logger;
}

function wrap(s: DestinationStream & { isTTY?: boolean }, pretty: boolean | undefined): DestinationStream {
  if (!(pretty ?? s.isTTY === true)) return s;
  // Loaded only for a terminal: a log file never pays for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const build = require('pino-pretty') as (o: object) => DestinationStream;
  // The node is the same on every line of a terminal: shown once per line as the component is, not as a field.
  return build({ destination: s, sync: true, colorize: s.isTTY === true, ignore: 'pid,hostname,component,node', messageFormat: '{if component}[{component}] {end}{msg}' });
}
