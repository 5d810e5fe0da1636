import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '@flotilla/compose';
import { serviceHashes, type HashEngine } from './service-hashes';

function project(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-hash-'));
  writeFileSync(join(dir, 'docker-compose.yml'), yaml);
  return loadProject({ workingDir: dir, projectName: 'proj', env: {} });
}

/** An engine in a table, recording what it was asked. */
function engine(images: Record<string, string>, containers: Record<string, string> = {}, down = false): HashEngine & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    ping: async () => {
      asked.push('ping');
      if (down) throw new Error('engine down');
    },
    imageId: async (ref) => (asked.push(`image ${ref}`), images[ref] ?? null),
    containerId: async (name) => (asked.push(`container ${name}`), containers[name]),
    composeContainer: async (p, s) => (asked.push(`service ${p}/${s}`), undefined),
  };
}

const FILE = 'version: "3.8"\nservices:\n  web:\n    image: example/web:1\n    depends_on: [db]\n  db:\n    image: example/db:1\n  off:\n    image: example/off:1\n    profiles: []\n';

describe('serviceHashes (config --hash, as docker-compose 1.29)', () => {
  it('hashes in dependency order with the engine image IDs; `*` skips `profiles: []` as 1.29 does, a name does not', async () => {
    const p = project(FILE);
    const e = engine({ 'example/db:1': 'sha256:dd' });
    const all = await serviceHashes(p, '*', e);
    expect(all.map((l) => l.split(' ')[0])).toEqual(['db', 'web']);
    expect(all.every((l) => /^\w+ [0-9a-f]{64}$/.test(l))).toBe(true);
    expect(e.asked).toEqual(['ping', 'image example/db:1', 'image example/web:1']);
    // The image ID is part of the hash.
    const [db] = await serviceHashes(p, 'db', engine({}));
    expect(db).not.toBe(all[0]);
    expect(await serviceHashes(p, 'off,db', engine({}))).toEqual([db, expect.stringMatching(/^off [0-9a-f]{64}$/)]);
  });

  it('fails as 1.29 does: no engine first, then a container:X naming nothing, then an unknown service', async () => {
    const p = project('version: "2.4"\nservices:\n  a:\n    image: x\n    network_mode: "container:gone"\n');
    await expect(serviceHashes(p, 'nope', engine({}, {}, true))).rejects.toThrow('engine down');
    await expect(serviceHashes(p, 'nope', engine({}))).rejects.toThrow("Service 'a' uses the network stack of container 'gone' which does not exist.");
    await expect(serviceHashes(p, 'nope', engine({}, { gone: 'c0' }))).rejects.toThrow('No such service: nope');
  });

  it("a deploy restart condition 1.29 cannot map is its error, worded as it words it", async () => {
    const p = project('version: "3.8"\nservices:\n  a:\n    image: x\n    deploy: {restart_policy: {condition: on_failure}}\n');
    await expect(serviceHashes(p, '*', engine({}))).rejects.toThrow('Invalid restart policy "on_failure"');
  });
});
