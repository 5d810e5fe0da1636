import { Controller, Get, Inject, Logger, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FlotillaError, type Task } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { STATE_STORE } from '../../tokens';
import { LogsService } from '../logs.service';
import { lookup } from './lookup';
import { frame, logLine } from './log-frames';

interface LogQuery {
  details?: string;
  follow?: string;
  stdout?: string;
  stderr?: string;
  tail?: string;
  timestamps?: string;
}

const yes = (v?: string) => v === '1' || v === 'true';

/** `/services/{id}/logs` and `/tasks/{id}/logs`: the nodes' container logs, in Docker's stream format. */
@Controller()
export class DockerLogsController {
  private readonly log = new Logger(DockerLogsController.name);
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly logs: LogsService,
  ) {}

  @Get('services/:id/logs')
  async service(@Param('id') ref: string, @Query() q: LogQuery, @Req() req: Request, @Res() res: Response) {
    const view = this.store.view();
    const svc = lookup('service', ref, view.services.values(), (id) => view.services.get(id), (s) => s.Spec.Name);
    await this.stream(view.tasksOfService(svc.ID), !!svc.Spec.TaskTemplate.ContainerSpec.TTY, q, req, res);
  }

  @Get('tasks/:id/logs')
  async task(@Param('id') ref: string, @Query() q: LogQuery, @Req() req: Request, @Res() res: Response) {
    const view = this.store.view();
    const t = lookup('task', ref, view.tasks.values(), (id) => view.tasks.get(id), () => undefined);
    await this.stream([t], !!t.Spec.ContainerSpec.TTY, q, req, res);
  }

  private async stream(all: Task[], tty: boolean, q: LogQuery, req: Request, res: Response) {
    const wantOut = yes(q.stdout);
    const wantErr = yes(q.stderr);
    if (!wantOut && !wantErr) throw new FlotillaError('invalid_argument', 'Bad parameters: you must choose at least one stream');
    const tail = q.tail === undefined || q.tail === 'all' || q.tail === '' ? undefined : Number(q.tail);
    if (tail !== undefined && (!Number.isSafeInteger(tail) || tail < 0)) throw new FlotillaError('invalid_argument', `invalid tail ${q.tail}`);
    const tasks = all.filter((t) => t.Status.ContainerStatus?.ContainerID && t.NodeID);
    const byId = new Map(tasks.map((t) => [t.ID, t]));
    const opts = { details: yes(q.details), timestamps: yes(q.timestamps) };
    res.status(200);
    res.flushHeaders();
    const { done, cancel } = await this.logs.stream(tasks, { follow: yes(q.follow), tail, timestamps: opts.timestamps }, (f) => {
      if (f.t === 'error') {
        // The CLI cannot show a line without its task context; the manager's log keeps it.
        this.log.warn({ msg: 'log stream', err: f.message });
        return;
      }
      if (f.t !== 'line') return;
      const t = byId.get(f.taskId);
      if (!t || (f.stream === 'stdout' ? !wantOut : !wantErr)) return;
      res.write(frame(f.stream, logLine(t, f.line, opts), tty));
    });
    req.on('close', cancel);
    await done;
    res.end();
  }
}
