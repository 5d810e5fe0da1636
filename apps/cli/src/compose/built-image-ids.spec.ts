import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '@flotilla/compose';
import { builtImageIds, type ImageIdEngine } from './built-image-ids';

function project(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-built-'));
  for (const d of ['app', 'tool']) mkdirSync(join(dir, d));
  writeFileSync(join(dir, 'docker-compose.yml'), yaml);
  return loadProject({ workingDir: dir, projectName: 'proj', env: {} });
}

/** An engine in a table, recording what it was asked. */
function engine(images: Record<string, string>): ImageIdEngine & { asked: string[] } {
  const asked: string[] = [];
  return { asked, imageId: async (ref) => (asked.push(ref), images[ref] ?? null) };
}

describe('builtImageIds', () => {
  it('the ID of each image a service builds, under the name 1.29 builds it as; images not there yet are left out', async () => {
    const p = project(
      'services:\n  web:\n    build: ./app\n  tool:\n    build: ./tool\n    image: example/tool:2\n  runner:\n    image: example/tool:2\n  db:\n    image: example/db:1\n  later:\n    build: ./app\n',
    );
    const e = engine({ proj_web: 'sha256:web', 'example/tool:2': 'sha256:tool', 'example/db:1': 'sha256:db' });
    // runner runs the image tool builds: rebuilt, it is recreated too, as 1.29's hash (which holds the image ID) says.
    expect(await builtImageIds(p, e)).toEqual({ web: 'sha256:web', tool: 'sha256:tool', runner: 'sha256:tool' });
    // An image no service builds is not asked about: it is not the project's to track. Each built one is asked once.
    expect(e.asked.sort()).toEqual(['example/tool:2', 'proj_later', 'proj_web']);
  });

  it('a project that builds nothing asks the engine nothing', async () => {
    const e = engine({});
    expect(await builtImageIds(project('services:\n  db:\n    image: example/db:1\n'), e)).toEqual({});
    expect(e.asked).toEqual([]);
  });
});
