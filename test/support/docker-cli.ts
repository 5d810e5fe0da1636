import { execFile } from 'node:child_process';

/** The stock docker CLI (28.x) pointed at a flotilla manager, as a user would: DOCKER_HOST=tcp://HOST. Bounded in time. */
export function dockerCli(host: string, args: string[], opts: { cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile('docker', args, { cwd: opts.cwd, env: { ...process.env, DOCKER_HOST: `tcp://${host}` }, timeout: opts.timeoutMs ?? 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
    // For commands that read stdin (swarm unlock, secret create NAME -); others keep it as before.
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}
