import { Controller, Get, Headers, Inject, Logger, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { FlotillaError, IMAGE_ID_HEADER, IMAGE_SIZE_HEADER, imageHolderCandidates, imageRequestRefusal, isImageId, type SwarmNode } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { ClusterService } from '../cluster/cluster.service';
import { MANAGER_CONFIG, STATE_STORE } from '../tokens';
import type { ManagerConfig } from '../config';
import { EngineEndpoint } from '../../../worker/src/docker/engine-endpoint';
import { ImageSource, findImage } from './image-source';
import { SharedSaves } from './shared-save';
import type { RelayBroker } from './relay/relay-broker';
import { relayedEngine } from './relay/relayed-engine';

const NODE_ID = /^[a-z0-9]{1,64}$/;

/**
 * A node whose engine lacks its task's image asks here (workers dial out, they
 * accept nothing). The source is whichever engine has it: this manager's own
 * (on a follower the request is passed to the leader, so the leader's) first,
 * then any other ready node's — the one `compose build` or `docker build` ran
 * on — read through the engine relay its worker opens back.
 */
@Controller('flotilla/v1/nodes')
export class ImageShipController {
  private readonly log = new Logger(ImageShipController.name);
  private readonly own: ImageSource;
  private readonly saves = new SharedSaves();
  private relay: { broker: RelayBroker; selfId: string } | undefined;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(MANAGER_CONFIG) config: ManagerConfig,
    private readonly cluster: ClusterService,
  ) {
    const engine = new EngineEndpoint(config.dockerHost);
    this.own = new ImageSource(engine.label, () => Promise.resolve(engine));
  }

  /** Other nodes' engines become sources once the relay exists (it is made after the app, in main.ts). */
  reachNodes(broker: RelayBroker, selfId: string) {
    this.relay = { broker, selfId };
  }

  @Get(':id/image')
  async image(
    @Param('id') id: string,
    @Query('name') name: unknown,
    @Query('id') want: unknown,
    @Headers('authorization') auth: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const view = this.store.view();
    if (!NODE_ID.test(id) || !view.nodes.has(id)) throw new FlotillaError('not_found', `node ${id} not found`);
    this.cluster.authenticate(id, auth);
    if (typeof name !== 'string') throw new FlotillaError('invalid_argument', 'image: the query needs one name');
    if (want !== undefined && (typeof want !== 'string' || !isImageId(want))) throw new FlotillaError('invalid_argument', 'image: id must be one sha256:<64 hex> image ID');
    const refusal = imageRequestRefusal(view.tasksOfNode(id), id, name);
    if (refusal) throw new FlotillaError('not_found', refusal);
    const found = await findImage(this.sources(view.nodes.values(), id), name, want);
    if (!found) throw new FlotillaError('not_found', want ? `No such image: ${name} (${want}) on any node` : `No such image: ${name}`);
    const { source, id: imageId, size } = found;
    // Nodes asking together (a service's tasks land at once) share one save of the image.
    const attach = await this.saves.open(imageId, () => source.save(name));
    const started = Date.now();
    res.status(200).setHeader('content-type', 'application/x-tar');
    res.setHeader(IMAGE_ID_HEADER, imageId);
    // For the node's progress: the archive's length is not known before it is written.
    if (size > 0) res.setHeader(IMAGE_SIZE_HEADER, String(size));
    res.on('finish', () => this.log.log({ msg: 'image shipped to node', node: id, image: name, id: imageId, from: source.label, ms: Date.now() - started }));
    attach(res);
  }

  private sources(nodes: Iterable<SwarmNode>, requester: string): ImageSource[] {
    const r = this.relay;
    if (!r) return [this.own];
    return [this.own, ...imageHolderCandidates(nodes, requester, r.selfId).map((n) => new ImageSource(`node ${n}`, relayedEngine(r.broker, n)))];
  }
}
