import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla, runCommand } from '../support/cli';
import { EXAMPLES } from '../support/env';

/** `flotilla compose config`: local only, no cluster needed. */
describe('compose config', () => {
  const file = `${EXAMPLES}/counter/docker-compose.yml`;
  const env = { FLOTILLA_HOST: '127.0.0.1:1' };

  it('--services lists dependencies first, --volumes the named volumes', async () => {
    expect((await flotilla(['compose', '-f', file, 'config', '--services'], env)).stdout).toBe('redis\nweb\n');
    expect((await flotilla(['compose', '-f', file, 'config', '--volumes'], env)).stdout).toBe('redis-data\n');
  });

  it('prints what docker-compose 1.29 prints, byte for byte (also with --no-interpolate, and --volumes of none)', async () => {
    const vars = { COUNTER_PORT: '8123', COUNTER_GREETING: 'Hi $$ yes' };
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-cfg-'));
    const raw = join(dir, 'docker-compose.yml');
    writeFileSync(raw, 'services:\n  a:\n    image: "busybox:${TAG:-1}"\n    environment:\n      X: "${HOME} and $$LIT"\n    command: echo ${A}\n');
    // The example with its variables; a file left uninterpolated; the example uninterpolated (a port "${…}:80": both refuse it).
    for (const [f, args, ok] of [[file, ['config'], true], [raw, ['config', '--no-interpolate'], true], [file, ['config', '--no-interpolate'], false]] as const) {
      const [dc, fl] = await Promise.all([
        runCommand('docker-compose', ['-f', f, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...vars } }),
        flotilla(['compose', '-f', f, ...args], { ...env, ...vars }),
      ]);
      expect([dc.code === 0, fl.code === 0]).toEqual([ok, ok]);
      if (ok) expect(fl.stdout).toBe(dc.stdout);
    }
    const none = await flotilla(['compose', '-f', raw, 'config', '--volumes'], env);
    expect([none.code, none.stdout]).toEqual([0, '\n']); // 1.29 prints an empty line
  });

  it('prints the normalised project as JSON in the Compose Specification shape', async () => {
    const r = await flotilla(['compose', '-f', file, 'config', '--format', 'json'], { ...env, COUNTER_PORT: '8123' });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.name).toBeUndefined(); // as 1.29: the project shows in resource names only
    expect(doc.networks.default.name).toBe('counter_default');
    expect(doc.services.web.image).toBe('flotilla/counter-web:latest');
    expect(doc.services.web.ports).toHaveLength(1);
    expect(doc.services.web.ports[0]).toMatchObject({ target: 80, protocol: 'tcp', mode: 'ingress' });
    expect(String(doc.services.web.ports[0].published)).toBe('8123');
    expect(Object.keys(doc.services.web.depends_on)).toEqual(['redis']);
  });

  it('-q validates only: silent and 0 when good, every problem with file:line:column and non-zero when bad', async () => {
    const good = await flotilla(['compose', '-f', file, 'config', '-q'], env);
    expect([good.code, good.stdout]).toEqual([0, '']);
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-cfg-'));
    const bad = join(dir, 'docker-compose.yml');
    writeFileSync(bad, 'version: "3.8"\nservices:\n  web:\n    image: x\n    imagee: y\n  db:\n    image: z\n    comand: ls\n');
    const r = await flotilla(['compose', '-f', bad, 'config', '-q'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`${bad.replace(/[.]/g, '\\.')}:5:\\d+: .*imagee`));
    expect(r.stderr).toMatch(new RegExp(`${bad.replace(/[.]/g, '\\.')}:8:\\d+: .*comand`));
  });

  it('--resolve-image-digests decides and words it as 1.29 does, side by side on this engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-cfg-'));
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'Dockerfile'), 'FROM flotilla/busybox:latest\n');
    // Local images have no RepoDigests (nothing here was pulled or pushed): built ones are to push, others to pull.
    expect((await runCommand('docker', ['tag', 'flotilla/busybox:latest', 'flotilla-digest-test:1'])).code).toBe(0);
    const files: Record<string, string> = {
      mixed:
        'version: "3"\nservices:\n  web:\n    image: flotilla-digest-test:1\n    build: ./app\n  db:\n    image: flotilla/busybox:latest\n  cache:\n    image: flotilla/busybox:latest\n',
      pinned: 'version: "3"\nservices:\n  web:\n    image: "busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000"\n',
      noImage: 'version: "3"\nservices:\n  web:\n    build: ./app\n',
      unknown: 'version: "3"\nservices:\n  web:\n    image: flotilla-no-such-image:1\n',
    };
    for (const [name, text] of Object.entries(files)) {
      const f = join(dir, `${name}.yml`);
      writeFileSync(f, text);
      for (const extra of [[], ['-q']]) {
        const args = ['-f', f, 'config', '--resolve-image-digests', ...extra];
        const [dc, fl] = await Promise.all([
          runCommand('docker-compose', args, { env: { PATH: process.env.PATH, HOME: process.env.HOME } }),
          flotilla(['compose', ...args], env),
        ]);
        expect({ code: fl.code, stdout: fl.stdout, stderr: fl.stderr }, `${name} ${extra.join(' ')}`).toEqual({ code: dc.code, stdout: dc.stdout, stderr: dc.stderr });
      }
    }
  });
});
