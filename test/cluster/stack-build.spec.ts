import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../support/cli';
import { eventually } from '../support/docker';
import { ROOT } from '../support/env';
import { flotillaOn, type Host, type HostSet } from '../support/hosts';
import { netnsCluster, type NetnsCluster } from '../support/netns-cluster';

const isRoot = process.getuid?.() === 0;
const SET: HostSet = { prefix: 'chh', net: '10.241.0', bridge: 'chhbr0', state: '/var/lib/chh' };
const DIR = `${ROOT}/test/cluster/fixtures/stack-build`;
const FILE = `${DIR}/docker-compose.yml`;
/** What Docker's own `docker stack deploy` made of this project (recorded on a private Swarm). */
const DOCKER = JSON.parse(readFileSync(`${ROOT}/test/cluster/stack-build.docker.json`, 'utf8')) as { longFormDependsOn: { exit: number; stderr: string }; shortFormDependsOn: { stderrIncludes: string } };

interface Inspected {
  Id: string;
  Image: string;
  State: { StartedAt: string; Health?: { Status: string } };
  Config: { Labels: Record<string, string> };
}

/**
 * Issue 11, acceptance 2: an ordinary build project on a 3-host cluster, no
 * registry. The image is built once, on host 3 (a worker: not the leader's
 * engine), and the app is kept off that host, so both hosts that run it (the
 * leader's among them) must get it from host 3. Deployed with `flotilla stack
 * deploy` (depends_on: service_healthy honoured across hosts), then with the
 * stock `docker stack deploy` against flotilla's API after `flotilla compose
 * build`, as a Docker user builds before a stack deploy.
 */
describe.skipIf(!isRoot)('a build project as a stack on 3 hosts', () => {
  let cluster: NetnsCluster;
  let hosts: Host[];
  let builder: Host;

  beforeAll(async () => {
    cluster = await netnsCluster(SET, 3);
    ({ hosts } = cluster);
    builder = hosts[2];
  }, 240_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 180_000);

  /** `flotilla compose build` on the builder host (its own engine), as a user logged in there. */
  async function build(project: string, env: Record<string, string>): Promise<string> {
    const b = await flotillaOn(builder, ['compose', '-p', project, '-f', FILE, 'build', 'app'], { ...cluster.env, ...env });
    expect(b.code, b.stderr + b.stdout).toBe(0);
    return (await builder.docker.getImage(env.APP_IMAGE).inspect()).Id;
  }

  const containersOf = async (h: Host, service: string): Promise<Inspected[]> => {
    const list = await h.docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${service}`] } });
    return Promise.all(list.map((c) => h.docker.getContainer(c.Id).inspect() as Promise<Inspected>));
  };

  const imageOn = (h: Host, image: string) => h.docker.getImage(image).inspect().then((i) => i.Id, () => undefined);

  /** The running app containers, by host, once there are `n` in all. */
  async function appsRunning(service: string, n: number) {
    return eventually(
      async () => {
        const per = await Promise.all(hosts.map((h) => containersOf(h, service)));
        return per.flat().length === n && per;
      },
      `${n} running ${service} containers`,
      150_000,
      500,
    );
  }

  /** The routing mesh: every host answers the published port with the built page. */
  async function answersEverywhere(port: number, want: string) {
    for (const h of hosts) {
      const body = await eventually(
        () => fetch(`http://${h.ip}:${port}/`, { signal: AbortSignal.timeout(3000) }).then((r) => (r.ok ? r.text() : undefined), () => undefined),
        `an answer on ${h.name}:${port}`,
        60_000,
        500,
      );
      expect(body.trim(), h.name).toBe(want);
    }
  }

  /** Where the image is: exactly the hosts running an app task, plus the one it was built on, all under the built ID. */
  async function imageExactlyWhereNeeded(image: string, built: string, byHost: Inspected[][]) {
    for (const [i, h] of hosts.entries()) {
      const runs = byHost[i].length > 0;
      expect(runs, `${h.name} runs no app task (placement keeps it off the builder)`).toBe(h !== builder);
      for (const c of byHost[i]) expect(c.Image, h.name).toBe(built);
      expect(await imageOn(h, image), h.name).toBe(runs || h === builder ? built : undefined);
    }
  }

  it('flotilla stack deploy: built once, shipped from the builder to exactly the hosts that run it, app started after db turned healthy, port answers on every host', async () => {
    const stamp = `${process.pid}-${Date.now()}`;
    const stack = `sb${process.pid}`;
    const image = `stackbuild${process.pid}_app:1`;
    const env = { STAMP: stamp, APP_IMAGE: image, APP_PORT: '18081', BUILD_HOST: builder.name };
    const built = await build(stack, env);
    for (const h of hosts) if (h !== builder) expect(await imageOn(h, image), h.name).toBeUndefined();

    const d = await flotillaOn(hosts[0], ['stack', 'deploy', '-c', FILE, stack], { ...cluster.env, ...env });
    expect(d.code, d.stderr).toBe(0);
    const byHost = await appsRunning(`${stack}_app`, 2);
    await imageExactlyWhereNeeded(image, built, byHost);

    // depends_on across hosts: each app container started after db's first passing probe
    // (the probe stamps /tmp/healthy-at; the engine marks db healthy only after it).
    const db = (await Promise.all(hosts.map(async (h) => (await containersOf(h, `${stack}_db`)).map((c) => ({ h, c }))))).flat();
    expect(db).toHaveLength(1);
    expect(db[0].c.State.Health?.Status).toBe('healthy');
    const stat = await runCommand('docker', ['exec', db[0].c.Id, 'stat', '-c', '%Y', '/tmp/healthy-at'], { env: { ...process.env, DOCKER_HOST: db[0].h.dockerHost } });
    expect(stat.code, stat.stderr).toBe(0);
    const healthyAt = Number(stat.stdout.trim()) * 1000;
    const dbStarted = Date.parse(db[0].c.State.StartedAt);
    // The db sleeps 4 s before it can pass: an app started with it would start well before.
    expect(healthyAt - dbStarted).toBeGreaterThan(3000);
    for (const c of byHost.flat()) expect(Date.parse(c.State.StartedAt), `app ${c.Id} started before db was healthy`).toBeGreaterThanOrEqual(healthyAt);
    const hostsOfApp = hosts.filter((_, i) => byHost[i].length > 0).map((h) => h.name);
    // At least one app task runs on another host than db's: the gate holds across hosts.
    expect(hostsOfApp.some((n) => n !== db[0].h.name)).toBe(true);

    await answersEverywhere(18081, `hello from build ${stamp}`);
    const rm = await flotillaOn(hosts[0], ['stack', 'rm', stack], cluster.env);
    expect(rm.code, rm.stderr).toBe(0);
  });

  it('docker stack deploy against flotilla, after flotilla compose build: the same image reaches the hosts that run it, port answers on every host', async () => {
    const stamp = `${process.pid}-${Date.now()}-docker`;
    const stack = `sbd${process.pid}`;
    const image = `stackbuild${process.pid}_app:2`;
    const env = { STAMP: stamp, APP_IMAGE: image, APP_PORT: '18082', BUILD_HOST: builder.name };
    const built = await build(stack, env);
    const docker = (args: string[]) => runCommand('docker', args, { env: { ...process.env, ...env, DOCKER_HOST: `tcp://${hosts[0].ip}:2377` }, cwd: DIR });

    // As on Docker: the stock CLI refuses compose's long depends_on form (its 3.x schema)...
    const long = await docker(['stack', 'deploy', '-c', FILE, stack]);
    expect(long.code).toBe(DOCKER.longFormDependsOn.exit);
    expect(long.stderr).toContain(DOCKER.longFormDependsOn.stderr);
    // ...so a Docker user writes the short form; the CLI drops `build:` and depends_on, as it does for Swarm.
    const short = join(cluster.dirs[0], 'docker-stack.yml');
    writeFileSync(short, readFileSync(FILE, 'utf8').replace(/depends_on:\n\s+db:\n\s+condition: service_healthy\n/, 'depends_on:\n      - db\n').replace('context: ./app', `context: ${DIR}/app`));
    const d = await docker(['stack', 'deploy', '-c', short, stack]);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stderr).toContain(DOCKER.shortFormDependsOn.stderrIncludes);

    const byHost = await appsRunning(`${stack}_app`, 2);
    await imageExactlyWhereNeeded(image, built, byHost);
    await answersEverywhere(18082, `hello from build ${stamp}`);
    const rm = await docker(['stack', 'rm', stack]);
    expect(rm.code, rm.stderr).toBe(0);
  });
});
