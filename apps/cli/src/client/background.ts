import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { secretsOutOfArgs } from '@flotilla/contracts';
import { CliError } from '../errors';

export type Role = 'manager' | 'worker';

/** Where the compiled entry point of a node process is, next to the CLI's own. */
export function entryPoint(role: Role): string {
  return resolve(__dirname, '..', '..', '..', role, 'src', 'main.js');
}

/**
 * Tokens and Redis URLs go to the child in its environment, never in its
 * arguments (world-readable in /proc/PID/cmdline): see secretsOutOfArgs.
 *
 * Starts a node process detached from the CLI (it survives the CLI exiting),
 * logging to DATA_DIR/ROLE.log, and waits until it writes its pid file (ready)
 * or exits (then its one-line error becomes the CLI's).
 */
export async function startInBackground(role: Role, dataDir: string, args: string[], timeoutMs = 30_000): Promise<number> {
  mkdirSync(dataDir, { recursive: true });
  const log = join(dataDir, `${role}.log`);
  const pidFile = join(dataDir, `${role}.pid`);
  const out = openSync(log, 'a');
  const secret = secretsOutOfArgs(args);
  const child = spawn(process.execPath, [entryPoint(role), ...secret.args], { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...secret.env } });
  closeSync(out);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) throw new CliError(lastError(log, role) ?? `the ${role} exited (code ${exited}); see ${log}`);
    if (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() === String(child.pid)) return child.pid!;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new CliError(`the ${role} did not come up within ${timeoutMs / 1000} s; see ${log}`);
}

/** Runs a node process in the foreground (`--foreground`): its output is the terminal's. */
export function runInForeground(role: Role, args: string[]): Promise<number> {
  const secret = secretsOutOfArgs(args);
  const child = spawn(process.execPath, [entryPoint(role), ...secret.args], { stdio: 'inherit', env: { ...process.env, ...secret.env } });
  return new Promise((r) => child.on('exit', (code) => r(code ?? 1)));
}

/** The pid of a running node process of this data dir, if any. */
export function runningPid(dataDir: string, role: Role): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, `${role}.pid`), 'utf8').trim());
    process.kill(pid, 0);
    // A killed node whose parent has not reaped it yet is a zombie: not running.
    if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return undefined;
    return pid;
  } catch {
    return undefined;
  }
}

export async function stopProcess(pid: number, timeoutMs = 15_000): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
}

function lastError(logPath: string, role: Role): string | undefined {
  try {
    const lines = readFileSync(logPath, 'utf8').trim().split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = new RegExp(`^flotilla-${role}: (.*)$`).exec(lines[i]);
      if (m) return m[1];
    }
  } catch {
    /* no log */
  }
  return undefined;
}
