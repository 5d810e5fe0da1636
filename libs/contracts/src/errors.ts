/**
 * Errors that cross process boundaries carry a code the receiver can map:
 * the API maps them to Docker-like HTTP statuses, the CLI to one-line messages.
 */
export type FlotillaErrorCode =
  | 'not_found'
  | 'conflict'
  | 'invalid_argument'
  | 'out_of_sequence'
  | 'not_leader'
  | 'unavailable'
  | 'unauthorized'
  | 'internal';

export class FlotillaError extends Error {
  constructor(
    readonly code: FlotillaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FlotillaError';
  }
}

export const HTTP_STATUS: Record<FlotillaErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  invalid_argument: 400,
  // Docker answers a stale version with 500 "update out of sequence"; the CLI expects that.
  out_of_sequence: 500,
  not_leader: 503,
  unavailable: 503,
  unauthorized: 401,
  internal: 500,
};

/** The `message` of an error body in Docker's shape (`{"message": "..."}`), or the body as it is. */
export function errorMessageOf(body: string): string {
  try {
    const m = (JSON.parse(body) as { message?: unknown }).message;
    return typeof m === 'string' ? m : body;
  } catch {
    return body;
  }
}
