import Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import { FlotillaError, LABEL } from '@flotilla/contracts';
import { endpointConfig, type ContainerCreateBody } from './container-config';
import type { ContainerHealth, ObservedContainer } from './plan-containers';
import { loadError } from './image-load';
import { listBindings } from './range-ports';

/** How a DOCKER_HOST value becomes dockerode options; the label names it in errors. */
export function dockerOptions(host: string | undefined): { opts: Docker.DockerOptions; label: string } {
  if (!host) return { opts: { socketPath: '/var/run/docker.sock' }, label: 'unix:///var/run/docker.sock' };
  if (host.startsWith('unix://')) return { opts: { socketPath: host.slice('unix://'.length) }, label: host };
  const m = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
  if (m) return { opts: { host: m[1], port: Number(m[2]), protocol: 'http' }, label: host };
  throw new FlotillaError('invalid_argument', `unsupported DOCKER_HOST ${host} (use unix:///path or tcp://host:port)`);
}

/**
 * The thin edge between flotilla and one Docker engine. No decisions here:
 * list, create, start, stop, remove; errors name the engine.
 */
export class DockerAdapter {
  readonly docker: Docker;
  readonly label: string;

  constructor(host: string | undefined) {
    const { opts, label } = dockerOptions(host);
    this.docker = new Docker({ ...opts, timeout: 120_000 });
    this.label = label;
  }

  async ping(): Promise<{ version: string; ncpu: number; memory: number; os: string; arch: string; labels: Record<string, string> }> {
    try {
      await withTimeout(this.docker.ping(), 5000);
      const info = (await this.docker.info()) as {
        ServerVersion: string;
        NCPU: number;
        MemTotal: number;
        OSType: string;
        Architecture: string;
        Labels?: string[];
      };
      const labels: Record<string, string> = {};
      for (const l of info.Labels ?? []) {
        const i = l.indexOf('=');
        if (i > 0) labels[l.slice(0, i)] = l.slice(i + 1);
      }
      return { version: info.ServerVersion, ncpu: info.NCPU, memory: info.MemTotal, os: info.OSType, arch: info.Architecture, labels };
    } catch (e) {
      throw new FlotillaError('unavailable', `cannot reach Docker at ${this.label}: ${(e as Error).message}`);
    }
  }

  async listTaskContainers(nodeId: string): Promise<ObservedContainer[]> {
    const list = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.managed}=true`, `${LABEL.swarmNodeId}=${nodeId}`] },
    });
    return Promise.all(
      list.map(async (c) => {
        let health = parseHealth(c.Status);
        // Rare (a container about to be stopped), so the extra look costs little.
        if (health === 'unhealthy') health = healthVerdict(health, await this.failingStreak(c.Id));
        return { id: c.Id, taskId: c.Labels[LABEL.swarmTaskId], state: c.State as ObservedContainer['state'], exitCode: parseExit(c.Status), health, ports: listBindings(c.Ports) };
      }),
    );
  }

  private async failingStreak(id: string): Promise<number | undefined> {
    const info = await this.docker.getContainer(id).inspect().catch(() => undefined);
    return info?.State.Health?.FailingStreak;
  }

  /** The container of a task on this engine, found by its label (when the agent has not recorded it yet). */
  async containerOfTask(taskId: string): Promise<string | undefined> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.managed}=true`, `${LABEL.swarmTaskId}=${taskId}`] } });
    return list[0]?.Id;
  }

  async inspect(id: string) {
    return this.docker.getContainer(id).inspect();
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return false;
      throw e;
    }
  }

  /** The ID the name points at on this engine, or undefined when it has no such image. */
  async imageId(name: string): Promise<string | undefined> {
    try {
      return ((await this.docker.getImage(name).inspect()) as { Id: string }).Id;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return undefined;
      throw e;
    }
  }

  /** `docker load` of an archive; the engine answers 200 even for a bad one, so its output is read. */
  async loadImage(archive: Readable): Promise<void> {
    const out = (await this.docker.loadImage(archive, { quiet: true } as object)) as unknown as Readable;
    let text = '';
    for await (const chunk of out) text += String(chunk);
    const err = loadError(text);
    if (err) throw new Error(err);
  }

  async untag(name: string): Promise<void> {
    try {
      await this.docker.getImage(name).remove({ noprune: true });
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 404) throw e;
    }
  }

  async create(body: ContainerCreateBody): Promise<string> {
    const c = await this.docker.createContainer(body as unknown as Docker.ContainerCreateOptions);
    return c.id;
  }

  /**
   * Creates a container under a name of its spec's own (compose's container_name). When an ended container of
   * the same service holds it (the task this one replaces, kept as history), that one is renamed
   * `<short id>_<name>` first, as docker-compose 1.29 renames the container it recreates; anything else
   * holding the name (a running one, another's) leaves the engine's conflict error as it is.
   */
  async createNamed(body: ContainerCreateBody, serviceId: string): Promise<string> {
    try {
      return await this.create(body);
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 409) throw e;
      const holder = await this.docker
        .getContainer(body.name)
        .inspect()
        .catch(() => undefined);
      const labels = holder?.Config.Labels ?? {};
      // Ended, not merely not started: a sibling made a moment ago and about to start keeps its name.
      const ended = holder?.State.Status === 'exited' || holder?.State.Status === 'dead' || (holder?.State.Status === 'created' && holder.State.ExitCode !== 0);
      if (!holder || labels[LABEL.managed] !== 'true' || labels[LABEL.swarmServiceId] !== serviceId || !ended) throw e;
      await this.docker.getContainer(holder.Id).rename({ name: `${holder.Id.slice(0, 12)}_${body.name}` });
      return this.create(body);
    }
  }

  async connect(containerId: string, network: string, aliases?: string[], ipv4?: string) {
    await this.docker.getNetwork(network).connect({ Container: containerId, EndpointConfig: endpointConfig(aliases, ipv4) });
  }

  async start(id: string) {
    try {
      await this.docker.getContainer(id).start();
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode !== 304) throw e; // already started
    }
  }

  async stop(id: string, graceSeconds?: number) {
    try {
      await this.docker.getContainer(id).stop(graceSeconds !== undefined ? { t: graceSeconds } : {});
    } catch (e) {
      const code = (e as { statusCode?: number }).statusCode;
      if (code !== 304 && code !== 404) throw e;
    }
  }

  async remove(id: string) {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: false });
    } catch (e) {
      const code = (e as { statusCode?: number }).statusCode;
      if (code !== 404 && code !== 409) throw e; // gone, or removal already in progress
    }
  }

  async listManagedNetworks(clusterId: string) {
    return this.docker.listNetworks({ filters: { label: [`${LABEL.managed}=true`, `${LABEL.cluster}=${clusterId}`] } });
  }

  async findNetwork(name: string) {
    const all = await this.docker.listNetworks({ filters: { name: [name] } });
    return all.find((n) => n.Name === name);
  }

  async createNetwork(opts: Docker.NetworkCreateOptions) {
    await this.docker.createNetwork(opts);
  }

  async removeNetwork(id: string) {
    try {
      await this.docker.getNetwork(id).remove();
    } catch (e) {
      const code = (e as { statusCode?: number }).statusCode;
      if (code !== 404 && code !== 403 && code !== 409) throw e; // gone, or still in use: next pass
    }
  }

  async listManagedVolumes(clusterId: string) {
    const r = await this.docker.listVolumes({ filters: { label: [`${LABEL.managed}=true`, `${LABEL.cluster}=${clusterId}`] } });
    return r.Volumes ?? [];
  }

  async createVolume(opts: { Name: string; Driver?: string; DriverOpts?: Record<string, string>; Labels: Record<string, string> }) {
    await this.docker.createVolume(opts as unknown as Docker.VolumeCreateOptions);
  }

  async removeVolume(name: string) {
    try {
      await this.docker.getVolume(name).remove();
    } catch (e) {
      const code = (e as { statusCode?: number }).statusCode;
      if (code !== 404 && code !== 409) throw e; // in use: next pass
    }
  }

  /** Container events for this node's task containers: a die/start (or pause/unpause, for `ps`) nudges the reconcile. */
  async events(nodeId: string): Promise<Readable> {
    const stream = (await this.docker.getEvents({
      filters: { type: ['container'], event: ['die', 'start', 'destroy', 'oom', 'health_status', 'pause', 'unpause'], label: [`${LABEL.swarmNodeId}=${nodeId}`] },
    })) as unknown as Readable;
    return stream;
  }

  /** Demultiplexed log stream of a container: one PassThrough per stream. */
  async logs(id: string, opts: { follow: boolean; tail?: number; timestamps: boolean }) {
    const c = this.docker.getContainer(id);
    const info = await c.inspect();
    const raw = (await c.logs({
      follow: opts.follow as true,
      stdout: true,
      stderr: true,
      timestamps: opts.timestamps,
      ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
    })) as unknown as Readable | Buffer;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    if (Buffer.isBuffer(raw)) {
      if (info.Config.Tty) stdout.end(raw);
      else demuxBuffer(raw, stdout, stderr);
      return { stdout, stderr, stop: () => undefined };
    }
    if (info.Config.Tty) raw.pipe(stdout);
    else {
      this.docker.modem.demuxStream(raw, stdout, stderr);
      raw.on('end', () => {
        stdout.end();
        stderr.end();
      });
    }
    return { stdout, stderr, stop: () => (raw as Readable & { destroy(): void }).destroy() };
  }
}

/** Docker's 8-byte-header multiplexed frames, for a log answered in one piece. */
function demuxBuffer(buf: Buffer, out: PassThrough, err: PassThrough) {
  let i = 0;
  while (i + 8 <= buf.length) {
    const type = buf[i];
    const len = buf.readUInt32BE(i + 4);
    const chunk = buf.subarray(i + 8, i + 8 + len);
    (type === 2 ? err : out).write(chunk);
    i += 8 + len;
  }
  out.end();
  err.end();
}

/** The list API's Status ends with the health verdict: "Up 3 seconds (health: starting)". */
export function parseHealth(status: string): ContainerHealth | undefined {
  const m = /\((healthy|unhealthy|health: starting)\)$/.exec(status);
  if (!m) return undefined;
  return m[1] === 'health: starting' ? 'starting' : (m[1] as ContainerHealth);
}

/**
 * The engine marks a container `unhealthy` when it is paused, with no probe failed, and keeps saying so after
 * the unpause until its next probe (up to a whole interval). That is no verdict: it counts as `starting` (not
 * served, not stopped) until a probe runs. A real verdict has a failing streak (at least the retries).
 */
export function healthVerdict(listed: ContainerHealth | undefined, failingStreak: number | undefined): ContainerHealth | undefined {
  return listed === 'unhealthy' && failingStreak === 0 ? 'starting' : listed;
}

function parseExit(status: string): number | undefined {
  const m = /Exited \((-?\d+)\)/.exec(status);
  return m ? Number(m[1]) : undefined;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error('timed out')), ms))),
  ]);
}
