import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { FlotillaError, type ServiceSpec } from '@flotilla/contracts';
import { ServicesService } from './services.service';

@Controller('services')
export class ServicesController {
  constructor(private readonly services: ServicesService) {}

  @Get()
  list(@Query('filters') filters?: string, @Query('status') status?: string) {
    return this.services.list(filters, status === 'true' || status === '1');
  }

  @Post('create')
  @HttpCode(201)
  create(@Body() spec: ServiceSpec) {
    if (!spec || typeof spec !== 'object') throw new FlotillaError('invalid_argument', 'unexpected EOF');
    return this.services.create(spec);
  }

  @Get(':id')
  inspect(@Param('id') id: string, @Query('insertDefaults') insertDefaults?: string) {
    return this.services.inspect(id, insertDefaults === 'true' || insertDefaults === '1');
  }

  @Post(':id/update')
  @HttpCode(200)
  update(@Param('id') id: string, @Query('version') version: string, @Query('rollback') rollback: string | undefined, @Body() spec: ServiceSpec) {
    return this.services.update(id, Number(version), spec, rollback === 'previous');
  }

  @Delete(':id')
  @HttpCode(200)
  async remove(@Param('id') id: string): Promise<void> {
    await this.services.remove(id);
  }
}
