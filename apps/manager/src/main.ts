import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { writeFileSync, mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { newId } from '@flotilla/state';
import { oneOffResources } from '@flotilla/contracts';
import { loadManagerConfig, MANAGER_USAGE, wantsHelp } from './config';
import { ManagerModule } from './manager.module';
import { ErrorFilter } from './api/error.filter';
import { apiVersionMiddleware } from './api/docker/api-version.middleware';
import { remoteAccessMiddleware } from './api/remote-access.middleware';
import { bodyLimitMiddleware } from './api/body-limit.middleware';
import { leaderProxyMiddleware } from './api/leader-proxy.middleware';
import { isLoopback } from './api/remote-access.middleware';
import { EngineEndpoint } from '../../worker/src/docker/engine-endpoint';
import { engineProxyMiddleware } from './api/engine/engine-proxy.middleware';
import { engineUpgradeHandler } from './api/engine/engine-upgrade';
import { RelayBroker } from './api/relay/relay-broker';
import { ImageShipController } from './api/image-ship.controller';
import { nodeEngineMiddleware, nodeEngineUpgradeHandler } from './api/relay/node-engine';
import { connectRedis } from '../../worker/src/agent/redis-connect';
import { ClusterService } from './cluster/cluster.service';
import { ManagerKeys } from './cluster/manager-keys';
import { FORWARDED_HEADER, forwardedValid } from './cluster/manager-auth';
import { openStore } from './boot/open-store';
import { serveRaftUpgrades } from './boot/raft-upgrade';
import { settleMembership } from './boot/settle-membership';
import { handOverOnDemotion } from './boot/demotion';
import { WorkerModule } from '../../worker/src/worker.module';
import { AgentService } from '../../worker/src/agent/agent.service';
import { AgentController } from './api/agent.controller';
import { redisWaitMs, workerConfig } from '../../worker/src/config';
import { DockerAdapter } from '../../worker/src/docker/docker.adapter';
import { readNodeId, writeNodeId } from '../../worker/src/agent/identity';
import { finishLeaving } from './boot/leaving';
import { ManagerMetrics } from './metrics/manager-metrics';
import { httpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { unlockDataKey } from './boot/unlock';
import { followUnlockKey } from './boot/follow-unlock-key';

/** Idle keep-alive of API connections: longer than a node's gap between beats in a large cluster. */
const NODE_KEEP_ALIVE_MS = 75_000;
/** Connections waiting to be accepted (the kernel caps it at net.core.somaxconn). */
const LISTEN_BACKLOG = 4096;
import { createLogger } from '../../worker/src/logging';
import { NodeTls } from '../../worker/src/agent/manager-tls';
import { followClusterRoots } from './tls/follow-roots';
import { readCredentials } from '../../worker/src/agent/node-credentials';
import { SniffingListener } from './tls/sniffing-listener';
import { renewOwnCertificate } from './tls/own-renewal';
import { judge, peerAccessMiddleware } from './tls/peer-access.middleware';
import { storePeerFacts } from './tls/store-peer-facts';
import { ensureOwnCertificate } from './tls/own-certificate';
import { nodeCallPacing, TurnBudget } from './api/turn-budget';

/**
 * Milliseconds of each event-loop turn node calls may take as they are read; those waiting for a
 * later turn share it with applies and planning (TurnShares), their share growing while they wait.
 * 6 ms made the leader's turns ~5 ms longer at p99 for no more throughput; with TurnShares' 3 ms
 * turn, 1 ms kept its loop delay p99 under 50 ms in every run where 2 and 3 did not.
 */
const NODE_CALLS_MS_PER_TURN = 1;

/**
 * One manager process; with the embedded worker (the default) its node also
 * runs tasks, as a node does after `docker swarm init`. Everything a user can
 * get wrong (Redis, Docker, the port) is checked before serving, and reported
 * as one line on stderr with a non-zero exit.
 */
async function main() {
  if (wantsHelp(process.argv.slice(2))) {
    process.stdout.write(MANAGER_USAGE);
    return;
  }
  const config = loadManagerConfig(process.argv.slice(2));
  // A leave the last run was asked for and did not finish: this run starts from nothing.
  await finishLeaving(config.dataDir, config.dockerHost);
  // A pid file left by a killed manager must not make a starting one look ready.
  rmSync(join(config.dataDir, 'manager.pid'), { force: true });
  mkdirSync(config.dataDir, { recursive: true });
  // The manager's Raft id is its node's id; its embedded worker registers under it.
  const workerDir = join(config.dataDir, 'worker');
  const nodeId = readNodeId(workerDir) ?? newId();
  writeNodeId(workerDir, nodeId);
  const logger = createLogger({ level: config.logLevel, node: nodeId });
  // A worker this process starts later (on demotion) logs at the same level.
  process.env.FLOTILLA_LOG_LEVEL = config.logLevel;
  // Secrets stay out of the log: the join token and a password in the Redis URL.
  logger.debug({ msg: 'configuration', ...config, redisUrl: config.redisUrl.replace(/\/\/[^@/]*@/, '//***@'), join: config.join && { addr: config.join.addr } }, 'Main');
  const keys = new ManagerKeys(config.dataDir);

  // With autolock, this waits (serving only Docker's "locked" answers) for `swarm unlock`.
  const dataKey = await unlockDataKey(config, logger);
  // This node's certificate, when it has one (a restart); a founder makes it once its cluster exists, a joiner gets it for its token.
  const nodeTls = new NodeTls(readCredentials(config.dataDir));
  const { store, transport, fresh, joined } = await openStore(config, nodeId, keys, logger, nodeTls, dataKey.cipher);
  followUnlockKey(store, dataKey, logger);
  const redisUrl = config.redisUrlGiven ? config.redisUrl : (keys.redisUrl ?? config.redisUrl);
  const redis = await connectRedis(redisUrl, {
    // Restarting from its data dir, a manager waits for Redis (as a worker does); a new one fails at once.
    waitMs: fresh ? 0 : redisWaitMs(process.env),
    onRetry: (err, leftMs) => logger.warn({ msg: 'Redis unreachable; retrying', err, giveUpInMs: leftMs }, 'Main'),
  });
  if (config.embeddedWorker) await new DockerAdapter(config.dockerHost).ping();
  store.start();

  const app = await NestFactory.create<NestExpressApplication>(ManagerModule.forRoot({ ...config, redisUrl }, redis, store, keys), {
    logger,
    bodyParser: false,
  });
  // No ETag on API answers (dockerd sends none): Express hashed every JSON answer for one, a
  // thousand nodes' heartbeats included. The console sets its own on its assets.
  app.set('etag', false);
  const facts = storePeerFacts(store);
  app.use(httpMetricsMiddleware(app.get(ManagerMetrics).apiRequests));
  // Node calls take a bounded share of each turn of the event loop (see TurnBudget).
  app.use(nodeCallPacing(new TurnBudget(NODE_CALLS_MS_PER_TURN)));
  const plainRemote = config.apiRemote && !!config.apiRemotePlain;
  if (plainRemote) logger.warn({ msg: 'FLOTILLA_API_REMOTE_PLAIN=1: the API is served to other hosts in plain HTTP without credentials (test harnesses only)' }, 'Main');
  app.use(peerAccessMiddleware(facts, config.apiRemote, plainRemote));
  app.use(remoteAccessMiddleware(config.apiRemote, (req) => forwardedValid(keys.raftKey, req.headers[FORWARDED_HEADER] as string | undefined)));
  app.use(apiVersionMiddleware);
  // This node's own engine (docker ps/exec/logs…) is answered here, never by the leader.
  const engine = new EngineEndpoint(config.dockerHost);
  // Another node's engine (X-Flotilla-Node), reached through a connection its worker opens back.
  const relay = new RelayBroker(redis, config.advertiseAddr, (node, auth) => app.get(ClusterService).authenticate(node, auth));
  // A one-off's create carries the cluster networks and volumes it names: its node makes them first.
  app.use(
    nodeEngineMiddleware(relay, (body) => {
      const view = store.view();
      return oneOffResources(body, view.networks.values(), view.volumes.values());
    }),
  );
  // Images are shipped from whichever node has them (the one they were built on), through the same relay.
  app.get(ImageShipController).reachNodes(relay, nodeId);
  app.use(engineProxyMiddleware(engine));
  app.use(leaderProxyMiddleware(store, nodeId, () => keys.raftKey, nodeTls));
  app.use(bodyLimitMiddleware(config.maxRequestBytes));
  app.useBodyParser('json', { limit: config.maxRequestBytes });
  app.useGlobalFilters(new ErrorFilter());
  // One port, TLS and plain HTTP (this host only) told apart by the first byte.
  await app.init();
  const listener = new SniffingListener(app.getHttpServer() as Server, plainRemote, logger);
  if (nodeTls.credentials) listener.useCredentials(nodeTls.credentials);
  try {
    // A deep accept queue: a thousand nodes reconnecting at once overflowed Node's 511 (dropped SYNs
    // come back seconds later: node calls that time out).
    await listener.listen(config.listenPort, config.listenHost, LISTEN_BACKLOG);
  } catch (e) {
    throw new Error(`cannot listen on ${config.listenHost}:${config.listenPort}: ${(e as Error).message}`);
  }
  // Nodes keep a connection between beats (half a stretched period apart, 10 s for 1,000 nodes): closed
  // after Node's 5 s idle default, each beat opened a new one, and a close racing a request was an ECONNRESET.
  const httpServer = app.getHttpServer() as Server;
  httpServer.keepAliveTimeout = NODE_KEEP_ALIVE_MS;
  serveRaftUpgrades(
    app.getHttpServer() as Server,
    transport,
    keys,
    (req, socket, head) =>
      relay.accept(req, socket, head) ||
      nodeEngineUpgradeHandler(relay, (r) => config.apiRemote || isLoopback(r.socket.remoteAddress))(req, socket, head) ||
      engineUpgradeHandler(engine, (r) => config.apiRemote || isLoopback(r.socket.remoteAddress))(req, socket, head),
    (req, need) => judge(req, facts, config.apiRemote, need, plainRemote),
  );
  await settleMembership({ config, nodeId, store, keys, cluster: app.get(ClusterService), fresh, joined, nodeTls }, logger);
  await ensureOwnCertificate({ config, nodeId, nodeTls, cluster: app.get(ClusterService) }, logger);
  listener.useCredentials(nodeTls.credentials!);

  let worker: Awaited<ReturnType<typeof NestFactory.createApplicationContext>> | undefined;
  if (config.embeddedWorker) {
    worker = await NestFactory.createApplicationContext(
      WorkerModule.forRoot(
        workerConfig({
          managerUrl: `http://127.0.0.1:${config.listenPort}`,
          token: store.view().cluster!.JoinTokens.Manager,
          dataDir: workerDir,
          dockerHost: config.dockerHost,
          addr: config.advertiseAddr.split(':')[0],
          redisUrl,
          role: 'manager',
          credentialsDir: config.dataDir,
        }),
        app.get(ManagerMetrics).registry,
      ),
      { logger },
    );
    // Its fetches, reports and beats are answered in this process while this manager leads.
    worker.get(AgentService).useLocalManager(app.get(AgentController).local);
    await worker.get(AgentService).start();
  }
  const renewal = renewOwnCertificate(
    {
      config, nodeId, nodeTls, cluster: app.get(ClusterService),
      use: (creds) => {
        listener.useCredentials(creds);
        worker?.get(AgentService).useCredentials(creds);
      },
    },
    logger,
  );
  // A root CA rotation (`docker swarm ca --rotate`): this manager trusts and renews as the cluster says.
  const unfollowRoots = followClusterRoots(
    {
      store, nodeTls, dataDir: config.dataDir, renewal,
      use: (creds) => {
        listener.useCredentials(creds);
        worker?.get(AgentService).useCredentials(creds);
      },
    },
    logger,
  );

  // Workers that share this data dir (flotilla's own docker-compose.yml) read their join token here.
  writeFileSync(join(config.dataDir, 'worker.token'), `${store.view().cluster!.JoinTokens.Worker}\n`, { mode: 0o600 });
  const pidFile = join(config.dataDir, 'manager.pid');
  writeFileSync(pidFile, `${process.pid}\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    renewal.stop();
    unfollowRoots();
    const deadline = setTimeout(() => process.exit(1), 10_000);
    deadline.unref();
    await worker?.close().catch(() => undefined);
    relay.close();
    // The app first: its shutdown hooks end open streams (console pages) cleanly; then what is left goes.
    await app.close().catch(() => undefined);
    await listener.close();
    await store.stop().catch(() => undefined);
    redis.disconnect();
    // Asked to leave (the Docker API's swarm leave): nothing runs now that could recreate what goes.
    clearTimeout(deadline);
    await finishLeaving(config.dataDir, config.dockerHost).catch((e: Error) => logger.error({ msg: 'leaving the swarm failed', err: e.message }, 'Main'));
    rmSync(pidFile, { force: true });
    process.exit(0);
  };
  handOverOnDemotion(
    { store, nodeId, dataDir: config.dataDir, advertiseAddr: config.advertiseAddr, embeddedWorker: config.embeddedWorker, redisUrl: config.redisUrlGiven ? config.redisUrl : undefined },
    () => void stop(),
    logger,
  );
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  logger.log({ msg: 'manager ready', listen: `${config.listenHost}:${config.listenPort}`, dataDir: config.dataDir }, 'Main');
}

main().catch((e: Error) => {
  process.stderr.write(`flotilla-manager: ${e.message}\n`);
  process.exit(1);
});
