import { DynamicModule, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { WorkerMetrics } from './metrics/worker-metrics';
import { AgentService } from './agent/agent.service';
import { WORKER_CONFIG } from './tokens';
import type { WorkerConfig } from './config';

/** A node's agent: its queue, its Docker engine, its ingress ports, its logs. */
@Module({})
export class WorkerModule {
  /** `registry`: where the worker's metrics go (its manager's when embedded); a private one otherwise. */
  static forRoot(config: WorkerConfig, registry: Registry = new Registry()): DynamicModule {
    return {
      module: WorkerModule,
      providers: [{ provide: WORKER_CONFIG, useValue: config }, { provide: WorkerMetrics, useValue: new WorkerMetrics(registry) }, AgentService],
      exports: [AgentService],
    };
  }
}
