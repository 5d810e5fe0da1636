import { logLine } from './verbs/verb-format';

/**
 * Warnings and errors of compose verbs as 1.29's console log handler writes them: on a terminal
 * `WARNING: `/`ERROR: ` first, coloured; piped, the message alone (its formatter then has no level).
 * Lines 1.29 writes to the stream itself (`ERROR: for NAME  MSG` after parallel progress) are not these.
 */
export function composeWarning(message: string): void {
  process.stderr.write(logLine('warning', message, !!process.stderr.isTTY));
}

export function composeError(message: string): void {
  process.stderr.write(logLine('error', message, !!process.stderr.isTTY));
}
