import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { defaultStateDir } from '@flotilla/contracts';
import { WorkerModule } from './worker.module';
import { AgentService } from './agent/agent.service';
import { workerConfig } from './config';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { serveMetrics } from './metrics/metrics-server';
import { createLogger, parseLogLevel } from './logging';
import { readNodeId } from './agent/identity';

/**
 * A node that only runs tasks: `--manager ADDR:PORT --token TOKEN [--data-dir DIR]
 * [--advertise-addr IP] [--redis-url URL] [--metrics-addr HOST:PORT] [--log-level debug|info|warn|error]`. Writes worker.pid into its data dir
 * once it has joined, so `flotilla swarm join` knows it is up.
 */
async function main() {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    args.set(argv[i].slice(2), argv[i + 1]);
  }
  const manager = args.get('manager') ?? process.env.FLOTILLA_MANAGER;
  const token = args.get('token') ?? process.env.FLOTILLA_TOKEN ?? (args.has('token-file') ? await readToken(args.get('token-file')!) : undefined);
  if (!manager || !token) throw new Error('--manager ADDR:PORT and --token TOKEN (or --token-file FILE) are required');
  const dataDir = args.get('data-dir') ?? join(defaultStateDir(process.env, homedir()), 'worker');
  const pidFile = join(dataDir, 'worker.pid');
  rmSync(pidFile, { force: true });
  // A rejoining worker knows its node id now; a new one once it has registered.
  const logger = createLogger({ level: parseLogLevel(args.get('log-level')), node: readNodeId(dataDir) });
  // Metrics are served only when asked for (as dockerd's --metrics-addr): the worker has no API to put them under.
  // FLOTILLA_REDIS_URL: how a parent process hands it over (secretsOutOfArgs), kept out of argv.
  const redisUrl = args.get('redis-url') ?? process.env.FLOTILLA_REDIS_URL;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const ctx = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(
      workerConfig({
        managerUrl: manager.startsWith('http') ? manager : `http://${manager}`,
        token,
        dataDir,
        ...(args.get('advertise-addr') ? { addr: args.get('advertise-addr')! } : {}),
        ...(redisUrl ? { redisUrl } : {}),
        role: 'worker',
      }),
      registry,
    ),
    { logger },
  );
  await ctx.get(AgentService).start();
  const metricsServer = args.get('metrics-addr') ? await serveMetrics(registry, args.get('metrics-addr')!) : undefined;
  logger.setNode(ctx.get(AgentService).id);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(pidFile, `${process.pid}\n`);
  const stop = async () => {
    const deadline = setTimeout(() => process.exit(1), 10_000);
    deadline.unref();
    metricsServer?.close();
    await ctx.close().catch(() => undefined);
    rmSync(pidFile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  logger.log({ msg: 'worker joined', nodeId: ctx.get(AgentService).id, manager, ...(metricsServer ? { metrics: args.get('metrics-addr') } : {}) }, 'Main');
}

/** Waits (bounded) for a token file a manager writes at boot. */
async function readToken(file: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const t = readFileSync(file, 'utf8').trim();
      if (t) return t;
    } catch {
      /* not written yet */
    }
    if (Date.now() > deadline) throw new Error(`no join token in ${file} after 60 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

main().catch((e: Error) => {
  process.stderr.write(`flotilla-worker: ${e.message}\n`);
  process.exit(1);
});
