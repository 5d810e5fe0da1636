import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flotilla } from '../support/cli';
import { eventually, purgeProject, volumesOf, networksOf } from '../support/docker';
import { EXAMPLES } from '../support/env';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';

/** Two clusters on one engine (a dev box, CI): one's cleanup never touches the other's volumes or networks. */
describe('two clusters sharing an engine', () => {
  let a: ManagerProcess;
  let b: ManagerProcess;
  const pa = `twoa${process.pid}`;
  const pb = `twob${process.pid}`;
  beforeAll(async () => {
    [a, b] = await Promise.all([ManagerProcess.create(), ManagerProcess.create()]);
  });
  afterAll(async () => {
    await flotilla(['compose', '-f', `${EXAMPLES}/counter/docker-compose.yml`, '-p', pa, 'down', '-v'], a.cliEnv).catch(() => undefined);
    await flotilla(['compose', '-f', `${EXAMPLES}/hello/docker-compose.yml`, '-p', pb, 'down', '-v'], b.cliEnv).catch(() => undefined);
    await Promise.all([a?.destroy(), b?.destroy()]);
    await purgeProject(pa);
    await purgeProject(pb);
  });

  it("a stopped project's volume and a removed project's network survive the other cluster's cleanup", async () => {
    const envA = { ...a.cliEnv, COUNTER_PORT: String(await freePort()) };
    const envB = { ...b.cliEnv, HELLO_PUBLISH: `${await freePort()}:80` };
    expect((await flotilla(['compose', '-f', `${EXAMPLES}/counter/docker-compose.yml`, '-p', pa, 'up', '-d'], envA)).code).toBe(0);
    expect((await flotilla(['compose', '-f', `${EXAMPLES}/counter/docker-compose.yml`, '-p', pa, 'down'], envA)).code).toBe(0);
    expect(await volumesOf(pa)).toHaveLength(1);
    // Cluster B works (and so cleans up) on the same engine, twice.
    expect((await flotilla(['compose', '-f', `${EXAMPLES}/hello/docker-compose.yml`, '-p', pb, 'up', '-d'], envB)).code).toBe(0);
    expect((await flotilla(['compose', '-f', `${EXAMPLES}/hello/docker-compose.yml`, '-p', pb, 'down'], envB)).code).toBe(0);
    await eventually(async () => (await networksOf(pb)).length === 0, 'B cleaned its own network');
    expect(await volumesOf(pa)).toHaveLength(1);
  });
});
