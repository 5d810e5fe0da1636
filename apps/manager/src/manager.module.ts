import { DynamicModule, Module, OnApplicationBootstrap, Inject } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ManagerConfig } from './config';
import { CLOCK, MANAGER_CONFIG, MEMBERSHIP, STATE_STORE, systemClock } from './tokens';
import type { RaftStore } from './cluster/raft-store';
import { ManagerKeys } from './cluster/manager-keys';
import { ManagersService } from './cluster/managers.service';
import { ManagersController } from './api/managers.controller';
import { ClusterService } from './cluster/cluster.service';
import { ControlLoopService } from './control/control-loop.service';
import { DispatcherService } from './control/dispatcher.service';
import { NodeLivenessService } from './control/node-liveness.service';
import { NodeTlsService } from './control/node-tls.service';
import { RootRotationService } from './control/root-rotation.service';
import { AssignmentLogService } from './control/assignment-log.service';
import { StatusService } from './control/status.service';
import { REDIS } from './control/redis.provider';
import { AgentController } from './api/agent.controller';
import { StackController } from './api/stack.controller';
import { StackService } from './api/stack.service';
import { LogsService } from './api/logs.service';
import { PingController } from './api/ping.controller';
import { SystemController } from './api/docker/system.controller';
import { ServicesController } from './api/docker/services.controller';
import { ServicesService } from './api/docker/services.service';
import { TasksController } from './api/docker/tasks.controller';
import { NodesController } from './api/docker/nodes.controller';
import { DistributionController } from './api/docker/distribution.controller';
import { LocalNode } from './api/docker/local-node';
import { SwarmController } from './api/docker/swarm.controller';
import { ClusterController } from './api/cluster.controller';
import { ClientCertController } from './api/client-cert.controller';
import { NodeCertificateController } from './api/node-certificate.controller';
import { NetworksController } from './api/docker/networks.controller';
import { ConfigsController, SecretsController } from './api/docker/secrets-configs.controller';
import { DockerLogsController } from './api/docker/logs.controller';
import { EventsController } from './events/events.controller';
import { EventsService } from './events/events.service';
import { MetricsController } from './metrics/metrics.controller';
import { ManagerMetrics } from './metrics/manager-metrics';
import { ConsoleController, ConsoleFeedService, ConsoleLogsService } from './console';
import { ImageShipController } from './api/image-ship.controller';

class Bootstrap implements OnApplicationBootstrap {
  constructor(
    @Inject(STATE_STORE) private readonly store: RaftStore,
    @Inject(DispatcherService) private readonly dispatcher: DispatcherService,
  ) {}
  onApplicationBootstrap() {
    // A new leader (after a restart or a failover) lets every worker re-check its full set.
    this.store.onLeaderChange((leader) => {
      if (leader) this.dispatcher.ringAll();
    });
  }
}

/** The manager: store, control loops, dispatcher and the HTTP API. */
@Module({})
export class ManagerModule {
  static forRoot(config: ManagerConfig, redis: Redis, store: RaftStore, keys: ManagerKeys): DynamicModule {
    return {
      module: ManagerModule,
      controllers: [
        PingController,
        AgentController,
        StackController,
        SystemController,
        ServicesController,
        TasksController,
        NodesController,
        DistributionController,
        SwarmController,
        ClusterController,
        ManagersController,
        NetworksController,
        SecretsController,
        ConfigsController,
        DockerLogsController,
        EventsController,
        MetricsController,
        ConsoleController,
        ImageShipController,
        ClientCertController,
        NodeCertificateController,
      ],
      providers: [
        { provide: MANAGER_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: STATE_STORE, useValue: store },
        { provide: MEMBERSHIP, useValue: store },
        { provide: ManagerKeys, useValue: keys },
        ManagersService,
        { provide: REDIS, useValue: redis },
        ClusterService,
        StatusService,
        NodeLivenessService,
        NodeTlsService,
        RootRotationService,
        DispatcherService,
        AssignmentLogService,
        ControlLoopService,
        StackService,
        LogsService,
        ServicesService,
        { provide: LocalNode, useValue: new LocalNode(config.dataDir) },
        EventsService,
        ConsoleFeedService, ConsoleLogsService,
        Bootstrap,
        ManagerMetrics,
      ],
      exports: [ClusterService, EventsService],
    };
  }
}
