import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import type { SecretSpec } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { CLOCK, STATE_STORE, type Clock } from '../../tokens';
import { SecretObjects } from './secret-objects';

/** `/secrets`: Docker's secrets; Data goes in, never out. */
@Controller('secrets')
export class SecretsController {
  private readonly objects: SecretObjects;
  constructor(@Inject(STATE_STORE) store: StateStore, @Inject(CLOCK) clock: Clock) {
    this.objects = new SecretObjects('secret', store, clock);
  }

  @Get()
  list(@Query('filters') filters?: string) {
    return this.objects.list(filters);
  }

  @Post('create')
  @HttpCode(201)
  create(@Body() spec: SecretSpec) {
    return this.objects.create(spec);
  }

  @Get(':id')
  inspect(@Param('id') id: string) {
    return this.objects.inspect(id);
  }

  @Post(':id/update')
  @HttpCode(200)
  async update(@Param('id') id: string, @Query('version') version: string, @Body() spec: SecretSpec): Promise<void> {
    await this.objects.update(id, Number(version), spec);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.objects.remove(id);
  }
}
