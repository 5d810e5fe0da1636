import { Controller, Get, Head, Header } from '@nestjs/common';

/** Docker's version negotiation starts here; flotilla's CLI uses it to find a live manager. */
@Controller()
export class PingController {
  @Get('_ping')
  @Head('_ping')
  @Header('Api-Version', '1.41')
  @Header('Ostype', 'linux')
  @Header('Docker-Experimental', 'false')
  @Header('Cache-Control', 'no-cache, no-store, must-revalidate')
  @Header('Pragma', 'no-cache')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  ping(): string {
    return 'OK';
  }
}
