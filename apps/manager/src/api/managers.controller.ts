import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { FlotillaError, type ManagerJoinRequest, type ManagerJoinResponse } from '@flotilla/contracts';
import { ManagersService } from '../cluster/managers.service';
import type { RaftStore } from '../cluster/raft-store';
import { STATE_STORE } from '../tokens';
import { managerJoinSchema, parseBody } from './schemas';

const NODE_ID = /^[a-z0-9]{1,64}$/;
const ADDR = /^[A-Za-z0-9.-]{1,253}:\d{1,5}$/;

/** Where a manager being started by `swarm join --token <manager token>` asks to enter the Raft group. */
@Controller('flotilla/v1')
export class ManagersController {
  constructor(
    private readonly managers: ManagersService,
    @Inject(STATE_STORE) private readonly store: RaftStore,
  ) {}

  /** This manager's own view of the Raft group (never forwarded): for operators and tests. */
  @Get('raft/status')
  status() {
    return { ...this.store.raft.status(), members: this.store.members() };
  }

  @Post('managers/join')
  @HttpCode(200)
  join(@Body() body: ManagerJoinRequest): Promise<ManagerJoinResponse> {
    const bad = (m: string) => new FlotillaError('invalid_argument', `manager join: ${m}`);
    if (typeof body !== 'object' || body === null) throw bad('body must be an object');
    if (typeof body.token !== 'string') throw bad('token');
    if (typeof body.nodeId !== 'string' || !NODE_ID.test(body.nodeId)) throw bad('nodeId');
    if (typeof body.addr !== 'string' || !ADDR.test(body.addr)) throw bad('addr must be host:port');
    if (body.stage !== 'learner' && body.stage !== 'voter') throw bad('stage must be learner or voter');
    parseBody(managerJoinSchema, body, 'manager join');
    return this.managers.join(body);
  }
}
