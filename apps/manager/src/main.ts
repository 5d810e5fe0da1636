import 'reflect-metadata';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { loadManagerConfig } from './config';
import { ManagerModule, storeDir } from './manager.module';
import { ErrorFilter } from './api/error.filter';
import { apiVersionMiddleware } from './api/docker/api-version.middleware';
import { remoteAccessMiddleware } from './api/remote-access.middleware';
import { connectRedis } from './control/redis.provider';
import { LocalStore } from './cluster/local-store';
import { ClusterService } from './cluster/cluster.service';
import { WorkerModule } from '../../worker/src/worker.module';
import { AgentService } from '../../worker/src/agent/agent.service';
import { workerConfig } from '../../worker/src/config';
import { DockerAdapter } from '../../worker/src/docker/docker.adapter';

/**
 * One manager process; with the embedded worker (the default) its node also
 * runs tasks, as a node does after `docker swarm init`. Everything a user can
 * get wrong (Redis, Docker, the port) is checked before serving, and reported
 * as one line on stderr with a non-zero exit.
 */
async function main() {
  const config = loadManagerConfig(process.argv.slice(2));
  // A pid file left by a killed manager must not make a starting one look ready.
  rmSync(join(config.dataDir, 'manager.pid'), { force: true });
  const logger = new ConsoleLogger({ json: true, colors: false });
  const redis = await connectRedis(config.redisUrl);
  if (config.embeddedWorker) await new DockerAdapter(config.dockerHost).ping();
  const store = new LocalStore(storeDir(config));
  store.open();

  const app = await NestFactory.create<NestExpressApplication>(ManagerModule.forRoot(config, redis, store), {
    logger,
    bodyParser: false,
  });
  app.use(remoteAccessMiddleware(config.apiRemote));
  app.use(apiVersionMiddleware);
  app.useBodyParser('json', { limit: '32mb' });
  app.useGlobalFilters(new ErrorFilter());
  try {
    await app.listen(config.listenPort, config.listenHost);
  } catch (e) {
    throw new Error(`cannot listen on ${config.listenHost}:${config.listenPort}: ${(e as Error).message}`);
  }

  let worker: Awaited<ReturnType<typeof NestFactory.createApplicationContext>> | undefined;
  if (config.embeddedWorker) {
    const cluster = await app.get(ClusterService).ensureCluster();
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forRoot(
        workerConfig({
          managerUrl: `http://127.0.0.1:${config.listenPort}`,
          token: cluster.JoinTokens.Manager,
          dataDir: join(config.dataDir, 'worker'),
          dockerHost: config.dockerHost,
          addr: config.advertiseAddr.split(':')[0],
          redisUrl: config.redisUrl,
          role: 'manager',
        }),
      ),
      { logger },
    );
    await worker.get(AgentService).start();
  }

  mkdirSync(config.dataDir, { recursive: true });
  // Workers that share this data dir (flotilla's own docker-compose.yml) read their join token here.
  const token = (await app.get(ClusterService).ensureCluster()).JoinTokens.Worker;
  writeFileSync(join(config.dataDir, 'worker.token'), `${token}\n`, { mode: 0o600 });
  const pidFile = join(config.dataDir, 'manager.pid');
  writeFileSync(pidFile, `${process.pid}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => process.exit(1), 10_000);
    deadline.unref();
    await worker?.close().catch(() => undefined);
    await app.close().catch(() => undefined);
    store.close();
    redis.disconnect();
    rmSync(pidFile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  logger.log({ msg: 'manager ready', listen: `${config.listenHost}:${config.listenPort}`, dataDir: config.dataDir }, 'Main');
}

main().catch((e: Error) => {
  process.stderr.write(`flotilla-manager: ${e.message}\n`);
  process.exit(1);
});
