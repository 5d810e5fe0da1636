import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { type Task } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { sameSpec } from '@flotilla/scheduling';
import { STATE_STORE } from '../../tokens';
import { anyOf, labelsMatch, parseFilters } from './filters';
import { lookup } from './lookup';
import { LocalNode } from './local-node';
import { sendJsonArray } from './json-array-stream';

const TASK_FILTERS = ['id', 'name', 'service', 'node', 'desired-state', 'label', '_up-to-date', 'runtime'] as const;

@Controller('tasks')
export class TasksController {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    private readonly local: LocalNode,
  ) {}

  /** Streamed in parts (sendJsonArray): a 100k-task list serialised at once held the leader's loop ~450 ms. */
  @Get()
  async list(@Query('filters') raw: string | undefined, @Res() res: Response): Promise<void> {
    await sendJsonArray(res, this.matching(raw));
  }

  private matching(raw: string | undefined): Task[] {
    const f = parseFilters(raw, TASK_FILTERS);
    const view = this.store.view();
    const serviceIds = f.get('service')?.map((ref) => view.services.get(ref)?.ID ?? view.idByName('service', ref) ?? ref);
    const nodeIds = f.get('node')?.map((ref) => {
      if (ref === 'self') return this.local.id() ?? ref;
      if (view.nodes.has(ref)) return ref;
      return [...view.nodes.values()].find((n) => n.Description.Hostname === ref)?.ID ?? ref;
    });
    const candidates = serviceIds?.length ? serviceIds.flatMap((id) => view.tasksOfService(id)) : [...view.tasks.values()];
    return candidates.filter((t) => {
      const svc = view.services.get(t.ServiceID);
      const name = `${svc?.Spec.Name ?? t.ServiceName}.${t.Slot || t.NodeID}`;
      return (
        anyOf(f.get('id'), (v) => t.ID.startsWith(v)) &&
        anyOf(f.get('name'), (v) => name.startsWith(v)) &&
        anyOf(nodeIds, (v) => t.NodeID === v) &&
        anyOf(f.get('desired-state'), (v) => t.DesiredState === v || (v === 'accepted' && t.DesiredState === 'running')) &&
        (labelsMatch(t.Labels, f.get('label')) || labelsMatch(t.Spec.ContainerSpec.Labels, f.get('label'))) &&
        anyOf(f.get('_up-to-date'), (v) => (v === 'true') === (svc !== undefined && sameSpec(t, svc)))
      );
    });
  }

  @Get(':id')
  inspect(@Param('id') id: string): Task {
    const view = this.store.view();
    return lookup('task', id, view.tasks.values(), (x) => view.tasks.get(x), () => undefined);
  }
}
