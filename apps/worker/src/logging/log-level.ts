/** The levels `--log-level` accepts, as dockerd's (`debug`, `info`, `warn`, `error`). */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class LogLevelError extends Error {
  override name = 'LogLevelError';
}

/** `--log-level` wins over FLOTILLA_LOG_LEVEL; `info` when neither is given. */
export function parseLogLevel(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): LogLevel {
  const v = (flag ?? env.FLOTILLA_LOG_LEVEL ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(v)) {
    throw new LogLevelError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got ${v}`);
  }
  return v as LogLevel;
}
