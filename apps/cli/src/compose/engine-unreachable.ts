import { CliError } from '../errors';

const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'EHOSTUNREACH', 'ETIMEDOUT']);

/** An engine that does not answer is the user's setup, not a bug: one line naming where we looked. */
export function unreachable(e: unknown): never {
  const code = (e as { code?: string }).code;
  if (code && UNREACHABLE.has(code)) {
    throw new CliError(`Couldn't connect to Docker daemon at ${process.env.DOCKER_HOST || 'unix:///var/run/docker.sock'} - is it running? (${code})`);
  }
  throw e;
}
