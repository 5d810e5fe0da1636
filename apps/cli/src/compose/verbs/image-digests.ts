import { CliError } from '../../errors';

/** What `config --resolve-image-digests` needs of a service: its name, its `image:` as written, whether it builds. */
export interface DigestCandidate {
  service: string;
  image?: string;
  build: boolean;
}

/** The engine's answers: an image's RepoDigests (undefined: no such image here), a registry's digest for a name (undefined: none). */
export interface DigestSource {
  repoDigests(ref: string): Promise<string[] | undefined>;
  registryDigest(ref: string): Promise<string | undefined>;
}

/**
 * Each service's image pinned to a digest, as docker-compose 1.29's get_image_digests decides it,
 * service by service in file order: an `image:` already holding a digest stays; else the local
 * image's first RepoDigest; an image not here is asked of its registry. A service without `image:`
 * fails at once, and so does an image neither here nor in a registry. Images here without a digest
 * are gathered (to push when the service builds, to pull when not) and reported together, in
 * 1.29's words. The source is injected: the decisions are tested without an engine.
 */
export async function resolveImageDigests(services: readonly DigestCandidate[], source: DigestSource): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  const needsPush = new Set<string>();
  const needsPull = new Set<string>();
  for (const s of services) {
    if (!s.image) {
      throw new CliError(
        `Service '${s.service}' doesn't define an image tag. An image name is required to generate a proper image digest. Specify an image repo and tag with the 'image' option.`,
      );
    }
    if (s.image.includes('@')) {
      digests.set(s.service, s.image);
      continue;
    }
    const local = await source.repoDigests(s.image);
    let digest: string | undefined;
    if (local === undefined) {
      const remote = await source.registryDigest(s.image).catch(() => undefined);
      if (!remote) throw new CliError(`Digest not found for service '${s.service}'. Repository does not exist or may require 'docker login'`);
      digest = `${s.image}@${remote}`;
    } else {
      digest = local[0];
    }
    if (digest) digests.set(s.service, digest);
    else if (s.build) needsPush.add(s.image);
    else needsPull.add(s.service);
  }
  if (needsPush.size === 0 && needsPull.size === 0) return digests;
  const list = (xs: Set<string>) => [...xs].sort().map((x) => `    ${x}`).join('\n');
  const paras = ['Some images are missing digests.'];
  if (needsPush.size > 0) {
    paras.push('The following images can be pushed:', list(needsPush), `Use \`docker push ${[...needsPush].sort().join(' ')}\` to push them. `);
  }
  if (needsPull.size > 0) {
    // 1.29 lists the services' names here (its NeedsPull carries both, it keeps the service's).
    paras.push('The following images need to be pulled:', list(needsPull), `Use \`docker pull ${[...needsPull].sort().join(' ')}\` to pull them. `);
  }
  // 1.29's log line ends at the last word: the paragraph's trailing space goes with it.
  throw new CliError(paras.join('\n\n').trimEnd());
}
