import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FlotillaError, LABEL, type StackDeployRequest, type StackDeployResult } from '@flotilla/contracts';
import type { StackState } from '@flotilla/contracts';
import { StackService } from './stack.service';
import { LogsService } from './logs.service';
import { validateName } from './spec-validation';
import { parseBody, restartEndedSchema } from './schemas';

/** What `flotilla compose` and `flotilla stack` talk to. */
@Controller('flotilla/v1/stacks')
export class StackController {
  constructor(
    private readonly stacks: StackService,
    private readonly logs: LogsService,
  ) {}

  @Post(':name')
  @HttpCode(200)
  deploy(@Param('name') name: string, @Body() body: StackDeployRequest): Promise<StackDeployResult> {
    return this.stacks.deploy(name, body);
  }

  /** Body `{ tasks: [ID...] }`: those of the stack's tasks that ended start again in their slots, nothing else. */
  @Post(':name/restart-ended')
  @HttpCode(200)
  restartEnded(@Param('name') name: string, @Body() body: unknown): Promise<{ index: number; restarted: string[] }> {
    validateName('stack', name);
    return this.stacks.restartEnded(name, parseBody(restartEndedSchema, body, 'restart-ended').tasks);
  }

  @Get(':name')
  get(@Param('name') name: string): StackState {
    validateName('stack', name);
    return this.stacks.get(name);
  }

  @Delete(':name')
  remove(@Param('name') name: string, @Query('volumes') volumes?: string) {
    validateName('stack', name);
    return this.stacks.remove(name, { volumes: volumes === '1' || volumes === 'true' });
  }

  /** Newline-delimited JSON frames: {t:'line', taskId, stream, line} ... */
  @Get(':name/logs')
  async streamLogs(
    @Param('name') name: string,
    @Query('service') service: string | undefined,
    @Query('follow') follow: string | undefined,
    @Query('tail') tail: string | undefined,
    @Query('timestamps') timestamps: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    validateName('stack', name);
    const state = this.stacks.get(name);
    let tasks = state.tasks.filter((t) => t.Status.ContainerStatus?.ContainerID);
    if (service) {
      const svc = state.services.find((s) => s.Spec.Labels?.[LABEL.composeService] === service || s.Spec.Name === service);
      if (!svc) throw new FlotillaError('not_found', `No such service: ${service}`);
      tasks = tasks.filter((t) => t.ServiceID === svc.ID);
    }
    const n = tail === undefined || tail === 'all' ? undefined : Number(tail);
    if (n !== undefined && (!Number.isSafeInteger(n) || n < 0)) throw new FlotillaError('invalid_argument', `invalid tail ${tail}`);
    res.status(200).setHeader('Content-Type', 'application/x-ndjson');
    res.flushHeaders();
    const { done, cancel } = await this.logs.stream(
      tasks,
      { follow: follow === '1' || follow === 'true', tail: n, timestamps: timestamps === '1' || timestamps === 'true' },
      (f) => res.write(JSON.stringify(f) + '\n'),
    );
    req.on('close', cancel);
    await done;
    res.end();
  }
}
