export { createLogger, PinoLogger, type LoggerOptions } from './pino-logger';
export { LOG_LEVELS, LogLevelError, parseLogLevel, type LogLevel } from './log-level';
