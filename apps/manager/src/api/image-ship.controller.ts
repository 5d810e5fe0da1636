import { Controller, Get, Headers, Inject, Logger, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { FlotillaError, IMAGE_ID_HEADER, IMAGE_SIZE_HEADER, imageRequestRefusal } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { ClusterService } from '../cluster/cluster.service';
import { MANAGER_CONFIG, STATE_STORE } from '../tokens';
import type { ManagerConfig } from '../config';
import { EngineEndpoint } from '../../../worker/src/docker/engine-endpoint';
import { ImageSource } from './image-source';

const NODE_ID = /^[a-z0-9]{1,64}$/;

/**
 * A node whose engine lacks its task's image asks here (workers dial out, they
 * accept nothing). The source is this manager's own engine — on a follower the
 * request is passed to the leader, so the leader's — which is where `compose
 * build` ran; workers are never sources, as nothing can connect to them.
 */
@Controller('flotilla/v1/nodes')
export class ImageShipController {
  private readonly log = new Logger(ImageShipController.name);
  private readonly source: ImageSource;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(MANAGER_CONFIG) config: ManagerConfig,
    private readonly cluster: ClusterService,
  ) {
    this.source = new ImageSource(new EngineEndpoint(config.dockerHost));
  }

  @Get(':id/image')
  async image(@Param('id') id: string, @Query('name') name: unknown, @Headers('authorization') auth: string | undefined, @Res() res: Response): Promise<void> {
    const view = this.store.view();
    if (!NODE_ID.test(id) || !view.nodes.has(id)) throw new FlotillaError('not_found', `node ${id} not found`);
    this.cluster.authenticate(id, auth);
    if (typeof name !== 'string') throw new FlotillaError('invalid_argument', 'image: the query needs one name');
    const refusal = imageRequestRefusal(view.tasksOfNode(id), id, name);
    if (refusal) throw new FlotillaError('not_found', refusal);
    const image = await this.source.inspect(name);
    if (!image) throw new FlotillaError('not_found', `No such image: ${name}`);
    const imageId = image.id;
    const { answer, cancel } = await this.source.save(name);
    const started = Date.now();
    res.status(200).setHeader('content-type', 'application/x-tar');
    res.setHeader(IMAGE_ID_HEADER, imageId);
    // For the node's progress: the archive's length is not known before it is written.
    if (image.size > 0) res.setHeader(IMAGE_SIZE_HEADER, String(image.size));
    // A node that goes away stops the engine's save too.
    res.on('close', cancel);
    answer.on('error', () => res.destroy());
    answer.on('end', () => this.log.log({ msg: 'image shipped to node', node: id, image: name, id: imageId, ms: Date.now() - started }));
    answer.pipe(res);
  }
}
