import { randomBytes } from 'node:crypto';
import { hostPortBinding, LABEL, type Service } from '@flotilla/contracts';
import type { StackState } from '../client/api-client';
import { composeService } from './task-view';

/** `run`'s overrides of the service's configuration (1.29's flags). */
export interface RunOverrides {
  command: string[];
  env: string[];
  entrypoint?: string;
  user?: string;
  workdir?: string;
  servicePorts: boolean;
  tty: boolean;
  /** 12 hex digits: 1.29's one-off slug. */
  slug: string;
}

export function newSlug(): string {
  return randomBytes(6).toString('hex');
}

/** The Engine API create body of a one-off container (the part the relay passes on). */
export interface OneOffBody {
  name: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  Tty: boolean;
  OpenStdin: boolean;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  StdinOnce: boolean;
  Labels: Record<string, string>;
  ExposedPorts?: Record<string, object>;
  HostConfig: {
    Mounts?: unknown[];
    PortBindings?: Record<string, { HostPort: string }[]>;
    NetworkMode?: string;
    ExtraHosts?: string[];
    Init?: boolean;
  };
  NetworkingConfig?: { EndpointsConfig: Record<string, { Aliases?: string[] }> };
}

/** Merges KEY=VAL lists, later ones winning (the command line's -e over the service's environment). */
function mergeEnv(base: string[], extra: string[]): string[] {
  const m = new Map<string, string>();
  for (const e of [...base, ...extra]) m.set(e.split('=')[0], e);
  return [...m.values()];
}

/**
 * `compose run`'s container, as 1.29 builds it: the service's configuration
 * with the command line's overrides, named PROJECT_SERVICE_run_SLUG, labelled
 * as a one-off, never restarted, on the service's first network (by its engine
 * name), published ports only with --service-ports. Pure: the slug is given.
 */
export function oneOffBody(state: StackState, project: string, s: Service, o: RunOverrides): OneOffBody {
  const cs = s.Spec.TaskTemplate.ContainerSpec;
  const service = composeService(s);
  const labels: Record<string, string> = {
    ...cs.Labels,
    [LABEL.composeProject]: project,
    [LABEL.composeService]: service,
    [LABEL.composeOneoff]: 'True',
    'com.docker.compose.slug': o.slug,
  };
  delete labels[LABEL.composeContainerNumber];
  const entrypoint = o.entrypoint === undefined ? cs.Command : o.entrypoint === '' ? [''] : [o.entrypoint];
  const cmd = o.command.length ? o.command : o.entrypoint !== undefined ? undefined : cs.Args;
  const attachment = s.Spec.TaskTemplate.Networks?.[0];
  const net = attachment && state.networks.find((n) => n.ID === attachment.Target);
  const ports = o.servicePorts ? (s.Endpoint?.Spec?.Ports ?? s.Spec.EndpointSpec?.Ports ?? []) : [];
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostPort: string }[]> = {};
  for (const p of ports) {
    const key = `${p.TargetPort}/${p.Protocol ?? 'tcp'}`;
    exposed[key] = {};
    // A host range goes whole: the engine gives the one-off a free port of it, as 1.29's run does.
    if (p.PublishedPort) (bindings[key] ??= []).push({ HostPort: hostPortBinding(p) });
  }
  const env = mergeEnv(cs.Env ?? [], o.env);
  return {
    name: `${project}_${service}_run_${o.slug}`,
    Image: cs.Image,
    ...(cmd ? { Cmd: cmd } : {}),
    ...(entrypoint ? { Entrypoint: entrypoint } : {}),
    ...(env.length ? { Env: env } : {}),
    ...((o.workdir ?? cs.Dir) ? { WorkingDir: o.workdir ?? cs.Dir } : {}),
    ...((o.user ?? cs.User) ? { User: o.user ?? cs.User } : {}),
    Tty: o.tty,
    OpenStdin: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    StdinOnce: true,
    Labels: labels,
    ...(Object.keys(exposed).length ? { ExposedPorts: exposed } : {}),
    HostConfig: {
      ...(cs.Mounts?.length ? { Mounts: cs.Mounts } : {}),
      ...(Object.keys(bindings).length ? { PortBindings: bindings } : {}),
      ...(net ? { NetworkMode: net.Spec.Name } : {}),
      ...(cs.Init !== undefined ? { Init: cs.Init } : {}),
    },
    ...(net ? { NetworkingConfig: { EndpointsConfig: { [net.Spec.Name]: {} } } } : {}),
  };
}

/**
 * Where `run` starts its one-off: the node of a running task of the same
 * service, else of any running task of the project (its networks exist on those
 * engines), else the manager's own node.
 */
export function oneOffNode(state: StackState, s: Service, managerNode: string): string {
  const running = state.tasks.filter((t) => t.DesiredState === 'running' && t.Status.State === 'running' && t.NodeID);
  return (running.find((t) => t.ServiceID === s.ID) ?? running[0])?.NodeID ?? managerNode;
}
