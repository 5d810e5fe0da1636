import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla, runCommand } from '../support/cli';
import { EXAMPLES } from '../support/env';

/**
 * `config --hash` side by side with docker-compose 1.29 on this engine: the same values (its
 * Service.config_hash, which `up` labels containers with), images present and absent. Local only.
 */
const P = 'flhash';
const BUILT = `${P}_built`; // the name 1.29 gives the image of a service with `build:` and no `image:`
const dir = mkdtempSync(join(tmpdir(), 'flotilla-hash-'));

const FILES: Record<string, string> = {
  // Ports (short, ranges, long), volumes (named, bind, anonymous, long syntax), networks (aliases,
  // priority, a `name:`), environment (with an env_file and a non-ASCII value), healthcheck, restart,
  // deploy folded into options, secrets (external left out), links, security_opt; an image not here.
  'forms.yml': `version: "3.9"
services:
  web:
    image: flotilla/busybox:latest
    ports: ["8080:80", "127.0.0.1:9000-9001:9000-9001/udp", "127.0.0.1::81", {target: 443, published: 8443, mode: host}, "5000"]
    volumes: [data:/data, ./rel:/rel:ro, /anon, {type: volume, source: data, target: /vol, volume: {nocopy: true}}, {type: bind, source: ./long, target: /long, read_only: true}]
    environment: {A: "1", B: null, C: "ünï ☃ 😀"}
    env_file: ./env.txt
    networks: {front: {aliases: [w1], priority: 10}, back: {}}
    healthcheck: {test: [CMD, "true"], interval: 1m30s, timeout: 0.3s}
    restart: on-failure:3
    depends_on: {db: {condition: service_healthy}}
    secrets: [s1, ext]
    security_opt: [no-new-privileges]
    links: ["db:database"]
  db:
    image: flotilla/no-such-image:1
    networks: [back]
    healthcheck: {disable: true}
    deploy: {restart_policy: {condition: on-failure, max_attempts: 4}, resources: {limits: {cpus: "0.5", memory: 64M}}}
  cache:
    image: flotilla/redis:latest
    network_mode: host
networks:
  front: {name: ${P}-front}
  back: {}
volumes:
  data: {}
secrets:
  s1: {file: ./s1.txt}
  ext: {external: true}
`,
  // Build: without image (looked up as PROJECT_SERVICE, tagged here), with one, with args.
  'build.yml': `version: "3.8"
services:
  built:
    build: {context: ./app, args: {X: "1"}}
  tagged:
    build: ./app
    image: flotilla/busybox:latest
  absent:
    build: ./app
    image: flotilla/not-built-here:1
`,
  // 2.4: cpus, ipc, network_mode none / service:X, scale, an external network.
  'v24.yml': `version: "2.4"
services:
  a: {image: flotilla/hello:latest, cpus: 1.5, scale: 2, ipc: shareable, networks: {default: {}, x: {aliases: [aa]}}}
  b: {image: flotilla/busybox:latest, network_mode: "service:a", ipc: "service:a"}
  c: {image: flotilla/busybox:latest, network_mode: none}
networks:
  x: {external: true}
`,
  'v1.yml': `web:
  image: flotilla/busybox:latest
  ports: ["8000:80"]
  volumes: [/data, ./x:/x]
  links: [db]
db:
  image: flotilla/redis:latest
  net: host
`,
};

describe('compose config --hash, next to docker-compose 1.29', () => {
  beforeAll(async () => {
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'Dockerfile'), 'FROM flotilla/busybox:latest\n');
    writeFileSync(join(dir, 'env.txt'), 'E1=from file\nA=overridden\n');
    writeFileSync(join(dir, 's1.txt'), 'x\n');
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
    expect((await runCommand('docker', ['tag', 'flotilla/busybox:latest', BUILT])).code).toBe(0);
  });
  afterAll(async () => {
    await runCommand('docker', ['rmi', BUILT]); // a tag of an image that stays
    rmSync(dir, { recursive: true, force: true });
  });

  const both = (cwd: string, args: string[]) =>
    Promise.all([
      runCommand('docker-compose', args, { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME } }),
      flotilla(['compose', ...args], { FLOTILLA_HOST: '127.0.0.1:1' }, { cwd }),
    ]);

  it.each([...Object.keys(FILES), 'counter', 'hello'])('%s', async (name) => {
    const [cwd, file] = name in FILES ? [dir, name] : [join(EXAMPLES, name), 'docker-compose.yml'];
    for (const which of ['*', name === 'forms.yml' ? 'cache,web' : '*']) {
      const [dc, fl] = await both(cwd, ['-p', P, '-f', file, 'config', '--hash', which]);
      expect(dc.code, dc.stderr).toBe(0);
      expect(dc.stdout).toMatch(/^(\S+ [0-9a-f]{64}\n)+$/);
      expect({ code: fl.code, stdout: fl.stdout }).toEqual({ code: 0, stdout: dc.stdout });
    }
  });

  it('refuses what 1.29 refuses only once it asks the engine: a container:X naming nothing', async () => {
    writeFileSync(join(dir, 'gone.yml'), 'version: "2.4"\nservices:\n  a: {image: x, network_mode: "container:flotilla-hash-gone"}\n');
    const [dc, fl] = await both(dir, ['-p', P, '-f', 'gone.yml', 'config', '--hash', '*']);
    expect([dc.code, fl.code]).toEqual([1, 1]);
    expect(fl.stderr).toContain("Service 'a' uses the network stack of container 'flotilla-hash-gone' which does not exist.");
    expect(dc.stderr).toContain("Service 'a' uses the network stack of container 'flotilla-hash-gone' which does not exist.");
  });
});
