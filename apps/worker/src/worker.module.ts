import { DynamicModule, Module } from '@nestjs/common';
import { AgentService } from './agent/agent.service';
import { WORKER_CONFIG } from './tokens';
import type { WorkerConfig } from './config';

/** A node's agent: its queue, its Docker engine, its ingress ports, its logs. */
@Module({})
export class WorkerModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      providers: [{ provide: WORKER_CONFIG, useValue: config }, AgentService],
      exports: [AgentService],
    };
  }
}
