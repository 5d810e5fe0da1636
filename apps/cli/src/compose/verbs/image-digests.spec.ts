import { describe, expect, it } from 'vitest';
import { resolveImageDigests, type DigestSource } from './image-digests';

/** An engine in a table: local images with their RepoDigests, and what registries hold. */
function source(local: Record<string, string[]>, registry: Record<string, string> = {}): DigestSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    repoDigests: async (ref) => (asked.push(ref), local[ref]),
    registryDigest: async (ref) => registry[ref],
  };
}

describe('resolveImageDigests (docker-compose 1.29 config --resolve-image-digests)', () => {
  it('pins to the first RepoDigest, keeps a digest already written, asks a registry for an image not here', async () => {
    const src = source({ 'a/web:1': ['a/web@sha256:aa', 'b/web@sha256:bb'] }, { 'a/db:2': 'sha256:dd' });
    const got = await resolveImageDigests(
      [
        { service: 'web', image: 'a/web:1', build: false },
        { service: 'pinned', image: 'busybox@sha256:00', build: false },
        { service: 'db', image: 'a/db:2', build: true },
      ],
      src,
    );
    expect([...got]).toEqual([
      ['web', 'a/web@sha256:aa'],
      ['pinned', 'busybox@sha256:00'],
      ['db', 'a/db:2@sha256:dd'],
    ]);
    // A digest already written is not looked up.
    expect(src.asked).toEqual(['a/web:1', 'a/db:2']);
  });

  it("lists images here without a digest in 1.29's words: built ones to push (by image), others to pull (by service)", async () => {
    const src = source({ 'myimg:1': [], 'otherimg:2': [], 'flotilla/busybox:latest': [] });
    const run = resolveImageDigests(
      [
        { service: 'web', image: 'myimg:1', build: true },
        { service: 'db', image: 'flotilla/busybox:latest', build: false },
        { service: 'cache', image: 'otherimg:2', build: false },
        { service: 'api', image: 'otherimg:2', build: true },
      ],
      src,
    );
    // Recorded from docker-compose 1.29 on this engine (stderr, piped).
    await expect(run).rejects.toThrow(
      [
        'Some images are missing digests.',
        '',
        'The following images can be pushed:',
        '',
        '    myimg:1',
        '    otherimg:2',
        '',
        'Use `docker push myimg:1 otherimg:2` to push them. ',
        '',
        'The following images need to be pulled:',
        '',
        '    cache',
        '    db',
        '',
        'Use `docker pull cache db` to pull them.',
      ].join('\n'),
    );
  });

  it('stops at a service without image:, and at an image neither here nor in a registry', async () => {
    await expect(resolveImageDigests([{ service: 'web', build: true }], source({}))).rejects.toThrow(
      "Service 'web' doesn't define an image tag. An image name is required to generate a proper image digest. Specify an image repo and tag with the 'image' option.",
    );
    const failing: DigestSource = { repoDigests: async () => undefined, registryDigest: async () => Promise.reject(new Error('dial tcp: no route')) };
    await expect(resolveImageDigests([{ service: 'web', image: 'nosuch/thing:1', build: false }], failing)).rejects.toThrow(
      "Digest not found for service 'web'. Repository does not exist or may require 'docker login'",
    );
  });
});
