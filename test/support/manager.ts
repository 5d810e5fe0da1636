import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_HOST, MANAGER_MAIN, REDIS_URL } from './env';
import { freePort } from './ports';
import { docker } from './docker';
import { LABEL } from '@flotilla/contracts';

/** A real manager process (with its embedded worker) on a free port and a fresh data dir. */
export class ManagerProcess {
  child?: ChildProcess;
  log = '';
  constructor(
    readonly port: number,
    readonly dataDir: string,
    readonly env: Record<string, string>,
  ) {}

  static async create(env: Record<string, string> = {}): Promise<ManagerProcess> {
    const m = new ManagerProcess(await freePort(), mkdtempSync(join(tmpdir(), 'flotilla-mgr-')), env);
    await m.start();
    return m;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Env for CLI calls that should talk to this manager. */
  get cliEnv(): Record<string, string> {
    return { FLOTILLA_HOST: this.host, DOCKER_HOST, REDIS_URL, FLOTILLA_WAIT_TIMEOUT: '90' };
  }

  /**
   * Starts (or restarts, on the same data dir) the process; `log` holds this run's output only.
   * Resolves once the log says `until` ('manager ready'; a manager with autolock on says 'manager locked').
   */
  async start(until = 'manager ready'): Promise<void> {
    this.log = '';
    this.child = spawn(
      process.execPath,
      [MANAGER_MAIN, '--listen-addr', this.host, '--data-dir', this.dataDir, '--heartbeat-period-ms', '1000'],
      { env: { ...process.env, DOCKER_HOST, REDIS_URL, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout!.on('data', (d) => (this.log += d));
    this.child.stderr!.on('data', (d) => (this.log += d));
    await this.waitForLog(until);
  }

  /** Waits until this run's log holds `text` (a locked manager that was unlocked: 'manager ready'). */
  async waitForLog(text: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.log.includes(text)) return;
      if (this.child?.exitCode !== null) throw new Error(`manager exited: ${this.log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`manager did not log "${text}": ${this.log}`);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const done = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await Promise.race([done, new Promise((r) => setTimeout(r, 15_000))]);
  }

  async destroy(): Promise<void> {
    const cluster = await fetch(`http://${this.host}/swarm`, { signal: AbortSignal.timeout(3000) })
      .then((r) => (r.ok ? (r.json() as Promise<{ ID?: string }>) : undefined))
      .then((j) => j?.ID)
      .catch(() => undefined);
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    // The engine networks its worker made and had no pass left to collect (a network removed just
    // before the end): idle ones of this cluster only, so a run leaves none behind.
    if (cluster) {
      for (const n of await docker.listNetworks({ filters: { label: [`${LABEL.cluster}=${cluster}`] } })) {
        await docker.getNetwork(n.Id).remove().catch(() => undefined);
      }
    }
  }
}
