import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, type Type } from '@nestjs/common';
import type { ConfigSpec, SecretSpec } from '@flotilla/contracts';
import type { StateStore } from '@flotilla/state';
import { CLOCK, STATE_STORE, type Clock } from '../../tokens';
import { SecretObjects } from './secret-objects';

/**
 * `/secrets` and `/configs`: one router per kind over `SecretObjects`
 * (secrets' Data goes in, never out; configs' is served back).
 */
function objectsController(kind: 'secret' | 'config'): Type<unknown> {
  @Controller(`${kind}s`)
  class ObjectsController {
    private readonly objects: SecretObjects;
    constructor(@Inject(STATE_STORE) store: StateStore, @Inject(CLOCK) clock: Clock) {
      this.objects = new SecretObjects(kind, store, clock);
    }

    @Get()
    list(@Query('filters') filters?: string) {
      return this.objects.list(filters);
    }

    @Post('create')
    @HttpCode(201)
    create(@Body() spec: SecretSpec | ConfigSpec) {
      return this.objects.create(spec);
    }

    @Get(':id')
    inspect(@Param('id') id: string) {
      return this.objects.inspect(id);
    }

    @Post(':id/update')
    @HttpCode(200)
    async update(@Param('id') id: string, @Query('version') version: string, @Body() spec: SecretSpec | ConfigSpec): Promise<void> {
      await this.objects.update(id, Number(version), spec);
    }

    @Delete(':id')
    @HttpCode(204)
    async remove(@Param('id') id: string): Promise<void> {
      await this.objects.remove(id);
    }
  }
  return ObjectsController;
}

export const SecretsController = objectsController('secret');
export const ConfigsController = objectsController('config');
