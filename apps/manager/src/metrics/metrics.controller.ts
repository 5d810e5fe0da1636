import { Controller, Get, Header } from '@nestjs/common';
import { ManagerMetrics } from './manager-metrics';

/**
 * Prometheus scrapes each manager here. Answered locally (the leader proxy lets
 * it through: each manager reports its own figures) under the API's trust rule.
 */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: ManagerMetrics) {}

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
