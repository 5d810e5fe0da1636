import { Controller, Get } from '@nestjs/common';
import { FlotillaError } from '@flotilla/contracts';

/**
 * `service create` asks for the image digest first; with no registry in reach
 * Docker answers an error and the CLI goes on with a warning. So does flotilla.
 */
@Controller('distribution')
export class DistributionController {
  @Get('*path')
  inspect(): never {
    throw new FlotillaError('not_found', 'flotilla does not contact registries; images are used as the engines have them');
  }
}
