import ignore from '@balena/dockerignore';

/**
 * Which paths of a build context are sent, by Docker's .dockerignore rules. The Dockerfile and
 * .dockerignore are always sent (the daemon needs them; the docker CLI adds them back too).
 * `rel` is a slash-separated path relative to the context root.
 */
export function contextFilter(dockerignore: string, dockerfile: string): (rel: string, isDir: boolean) => boolean {
  const patterns = dockerignore
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const ig = ignore().add(patterns);
  // With an exception (`!x`), an excluded directory may still hold files to send: walk into it.
  const hasExceptions = patterns.some((p) => p.startsWith('!'));
  const df = normalize(dockerfile);
  const always = new Set([df, '.dockerignore']);
  return (rel, isDir) => {
    const r = normalize(rel);
    if (r === '' || always.has(r)) return true;
    if (!ig.ignores(r)) return true;
    // An excluded directory is still walked when it holds the Dockerfile or an exception may bring files back.
    return isDir && (hasExceptions || df.startsWith(`${r}/`));
  };
}

function normalize(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
}
