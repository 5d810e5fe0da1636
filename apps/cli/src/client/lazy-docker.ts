import type Docker from 'dockerode';

/**
 * The engine DOCKER_HOST names, its client made on first use: dockerode loads a gRPC stack (for
 * BuildKit sessions) that costs a command ~160 ms of start-up, and `up` wants its deployment sent
 * before that is paid. A given client (a test's) is used as it is.
 */
export function lazyDocker(given?: Docker): () => Promise<Docker> {
  let client: Promise<Docker> | undefined = given ? Promise.resolve(given) : undefined;
  return () => (client ??= import('dockerode').then((m) => new m.default()));
}
