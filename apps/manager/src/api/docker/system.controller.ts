import { Controller, Get, Inject } from '@nestjs/common';
import { clusterTlsInfo } from '../../cluster/root-rotation-plan';
import { cpus, totalmem, release, hostname } from 'node:os';
import type { StateStore } from '@flotilla/state';
import { MANAGER_CONFIG, STATE_STORE } from '../../tokens';
import type { ManagerConfig } from '../../config';
import { API_VERSION, MIN_API_VERSION } from './api-version.middleware';
import { LocalNode } from './local-node';
import { clusterSpecView } from './cluster-view';
import { EngineEndpoint } from '../../../../worker/src/docker/engine-endpoint';
import { swarmManagerInfo, swarmManagerVersion, type Doc } from '../engine/engine-info';

const VERSION = '0.1.0';
/** How long `docker info` waits for this node's engine before answering with flotilla's own view. */
const ENGINE_TIMEOUT_MS = 5_000;

/**
 * `/version` and `/info`: what `docker version`, `docker info` and `node ls`
 * read. As on a Swarm manager, both describe this node's own engine; `/info`
 * carries the swarm as flotilla keeps it.
 */
@Controller()
export class SystemController {
  private readonly engine: EngineEndpoint;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(MANAGER_CONFIG) private readonly config: ManagerConfig,
    private readonly local: LocalNode,
  ) {
    this.engine = new EngineEndpoint(config.dockerHost);
  }

  @Get('version')
  async version() {
    const engine = await this.engine.getJson<Doc>('/version', ENGINE_TIMEOUT_MS).catch((e: Error) => e);
    return swarmManagerVersion(engine, this.ownVersion());
  }

  @Get('info')
  async info() {
    const engine = await this.engine.getJson<Doc>('/info', ENGINE_TIMEOUT_MS).catch((e: Error) => e);
    return swarmManagerInfo(engine, this.ownInfo());
  }

  private ownVersion() {
    const details = { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: arch(), KernelVersion: release() };
    return {
      Platform: { Name: 'flotilla' },
      Components: [{ Name: 'flotilla', Version: VERSION, Details: details }],
      Version: VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: '',
      GoVersion: process.version,
      Os: 'linux',
      Arch: arch(),
      KernelVersion: release(),
    };
  }

  private ownInfo() {
    const view = this.store.view();
    const nodes = [...view.nodes.values()];
    const managers = nodes.filter((n) => n.Spec.Role === 'manager');
    const c = view.cluster;
    return {
      ID: c?.ID ?? '',
      Name: hostname(),
      ServerVersion: VERSION,
      OperatingSystem: 'flotilla',
      OSType: 'linux',
      Architecture: process.arch === 'x64' ? 'x86_64' : process.arch,
      KernelVersion: release(),
      NCPU: cpus().length,
      MemTotal: totalmem(),
      Containers: 0,
      Images: 0,
      Driver: 'flotilla',
      Swarm: {
        NodeID: this.local.id() ?? '',
        NodeAddr: this.config.advertiseAddr.split(':')[0],
        LocalNodeState: 'active',
        ControlAvailable: true,
        Error: '',
        RemoteManagers: managers.map((m) => ({ NodeID: m.ID, Addr: m.ManagerStatus?.Addr ?? this.config.advertiseAddr })),
        Nodes: nodes.length,
        Managers: managers.length,
        Cluster: c
          ? {
              ID: c.ID,
              Version: c.Version,
              CreatedAt: c.CreatedAt,
              UpdatedAt: c.UpdatedAt,
              Spec: clusterSpecView(c.Spec),
              TLSInfo: clusterTlsInfo(c),
              RootRotationInProgress: !!c.RootRotation,
              DefaultAddrPool: null,
              SubnetSize: 24,
              DataPathPort: 4789,
            }
          : undefined,
      },
    };
  }
}

function arch() {
  return process.arch === 'x64' ? 'amd64' : process.arch;
}
