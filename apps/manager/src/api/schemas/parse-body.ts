import type { z } from 'zod';
import { FlotillaError } from '@flotilla/contracts';

/** `TaskTemplate.ContainerSpec.Mounts[0].Target`: the path of a field as a user reads it. */
export function fieldPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out || 'body';
}

/**
 * Checks a request body against its schema: the first problem becomes a 400
 * naming the field. The value returned is the body as sent (unknown fields
 * kept, as Docker's decoder ignores them and handlers may pass them on).
 */
export function parseBody<S extends z.ZodTypeAny>(schema: S, body: unknown, what?: string): z.infer<S> {
  const r = schema.safeParse(body);
  if (r.success) return body as z.infer<S>;
  const issue = r.error.issues[0];
  const msg = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  throw new FlotillaError('invalid_argument', `${what ? `${what}: ` : ''}${fieldPath(issue.path)}: ${msg}`);
}
