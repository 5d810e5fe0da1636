import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Three (or more) server processes on loopback, each restartable on its own directory. */
export class ProcessCluster {
  readonly procs = new Map<string, ChildProcess>();
  raft: Record<string, string> = {};
  client: Record<string, string> = {};

  constructor(
    readonly ids: readonly string[],
    private readonly baseDir: string,
    private readonly script: string,
    private readonly extra: readonly string[] = [],
  ) {}

  async init(): Promise<void> {
    for (const id of this.ids) {
      this.raft[id] = `127.0.0.1:${await freePort()}`;
      this.client[id] = `127.0.0.1:${await freePort()}`;
    }
  }

  start(id: string): Promise<void> {
    const peers = this.ids.map((x) => `${x}=${this.raft[x]}`).join(',');
    const p = spawn(
      process.execPath,
      [this.script, '--id', id, '--dir', join(this.baseDir, id), '--raft', this.raft[id], '--client', this.client[id], '--peers', peers, ...this.extra],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.procs.set(id, p);
    return new Promise((resolve, reject) => {
      p.stdout?.once('data', () => resolve());
      p.once('exit', (code) => reject(new Error(`${id} exited with ${code}`)));
    });
  }

  kill(id: string): Promise<void> {
    const p = this.procs.get(id);
    this.procs.delete(id);
    if (!p || p.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  }

  pid(id: string): number | undefined {
    return this.procs.get(id)?.pid;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.procs.keys()].map((id) => this.kill(id)));
  }
}
