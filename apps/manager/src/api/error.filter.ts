import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { FlotillaError, HTTP_STATUS } from '@flotilla/contracts';

/** Every error leaves as Docker's `{"message": "..."}` with a Docker-like status. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('Api');

  catch(err: unknown, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    let status = 500;
    let message = 'internal error';
    if (err instanceof FlotillaError) {
      status = HTTP_STATUS[err.code];
      message = err.message;
    } else if (err instanceof HttpException) {
      status = err.getStatus();
      const body = err.getResponse();
      message = typeof body === 'string' ? body : ((body as { message?: string }).message ?? err.message);
      if (Array.isArray(message)) message = message.join('; ');
    } else if (isClientHttpError(err)) {
      // body-parser's own errors (a body over the limit: 413, a wrong charset: 415) are the client's.
      status = err.status;
      message = err.message;
    } else if (err instanceof SyntaxError) {
      status = 400;
      message = err.message;
    } else {
      this.log.error({ msg: 'unhandled', err: (err as Error)?.stack ?? String(err) });
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    sendError(res, status, message);
  }
}

/** An http-errors error (what body-parser throws) meant for the client: a 4xx with a message it may see. */
function isClientHttpError(err: unknown): err is { status: number; message: string } {
  const e = err as { status?: unknown; expose?: unknown; message?: unknown };
  return typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true && typeof e.message === 'string';
}

/** Docker clients only decode an error body whose Content-Type is exactly application/json (no charset). */
export function sendError(res: Response, status: number, message: string) {
  res.status(status).setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ message }));
}
