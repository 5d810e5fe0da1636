import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { WorkerModule } from './worker.module';
import { AgentService } from './agent/agent.service';
import { workerConfig } from './config';
import { homedir } from 'node:os';
import { defaultStateDir } from '@flotilla/contracts';

/** A standalone worker: `--manager URL --token TOKEN [--data-dir DIR] [--advertise-addr IP]`. */
async function main() {
  const args = new Map<string, string>();
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    args.set(argv[i].slice(2), argv[i + 1]);
  }
  const manager = args.get('manager') ?? process.env.FLOTILLA_MANAGER;
  const token = args.get('token') ?? process.env.FLOTILLA_TOKEN;
  if (!manager || !token) throw new Error('--manager URL and --token TOKEN are required');
  const logger = new ConsoleLogger({ json: true, colors: false });
  const ctx = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(
      workerConfig({
        managerUrl: manager.startsWith('http') ? manager : `http://${manager}`,
        token,
        dataDir: args.get('data-dir') ?? join(defaultStateDir(process.env, homedir()), 'worker'),
        ...(args.get('advertise-addr') ? { addr: args.get('advertise-addr')! } : {}),
      }),
    ),
    { logger },
  );
  ctx.enableShutdownHooks();
  await ctx.get(AgentService).start();
}

main().catch((e: Error) => {
  process.stderr.write(`flotilla-worker: ${e.message}\n`);
  process.exit(1);
});
