import type { NextFunction, Request, Response } from 'express';
import { sendError } from '../error.filter';

export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.12';
export const SERVER = 'flotilla/0.1.0 (linux)';

function cmp(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/**
 * Docker clients prefix paths with /v1.NN after negotiating on /_ping. Strip
 * it (any version up to ours), refuse a newer one as Docker does, and put
 * Docker's headers on every answer.
 */
export function apiVersionMiddleware(req: Request, res: Response, next: NextFunction) {
  res.setHeader('Api-Version', API_VERSION);
  res.setHeader('Ostype', 'linux');
  res.setHeader('Docker-Experimental', 'false');
  res.setHeader('Server', SERVER);
  const m = /^\/v(\d+\.\d+)(\/.*)?$/.exec(req.url);
  if (m) {
    if (cmp(m[1], API_VERSION) > 0) {
      sendError(res, 400, `client version ${m[1]} is too new. Maximum supported API version is ${API_VERSION}`);
      return;
    }
    if (cmp(m[1], MIN_API_VERSION) < 0) {
      sendError(res, 400, `client version ${m[1]} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
      return;
    }
    req.url = m[2] ?? '/';
  }
  next();
}
