import type { NextFunction, Request, Response } from 'express';
import { sendError } from './error.filter';

/**
 * A body announced larger than the limit is refused from its headers, before
 * any of it is read (body-parser would read it all to discard it); a chunked
 * body over the limit is still stopped by the JSON parser's own limit.
 */
export function bodyLimitMiddleware(maxBytes: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    const announced = Number(req.headers['content-length']);
    if (!(announced > maxBytes)) return next();
    // Node discards the unread body once the answer is sent (no buffering); closing instead would
    // cut off a client still writing it before it reads the 413 (EPIPE, no message).
    sendError(res, 413, `request entity too large: ${announced} bytes, the limit is ${maxBytes} (--max-request-bytes)`);
  };
}
