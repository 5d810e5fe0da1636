import { spawn } from 'node:child_process';
import { CLI } from './env';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with a bounded time, collecting its output. */
export function runCommand(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 120_000);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Runs `flotilla ARGS` as a user would, with a bounded time. */
export function flotilla(args: string[], env: Record<string, string | undefined>, opts: { cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  return runCommand(process.execPath, [CLI, ...args], { ...opts, env: { ...process.env, ...env } });
}
