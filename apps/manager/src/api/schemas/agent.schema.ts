import { isIP } from 'node:net';
import { z } from 'zod';
import { TASK_STATES } from '@flotilla/contracts';
import { int, obj, str } from './primitives';

/** What a worker reports per task (POST /agent/:id/status). */
const taskReport = obj({
  taskId: str,
  state: z.enum(TASK_STATES),
  message: str,
  err: str.nullish(),
  containerId: str.nullish(),
  pid: int.nullish(),
  exitCode: int.nullish(),
  health: z.enum(['starting', 'healthy', 'unhealthy']).nullish(),
  command: str.nullish(),
  addresses: z.record(str).nullish(),
  paused: z.boolean().nullish(),
  // Where the node's ingress listens: a few IP addresses, shown by `compose ps`.
  published: z.array(z.string().refine((a) => isIP(a) !== 0, 'not an IP address')).max(8).nullish(),
  restarted: z.boolean().nullish(),
  // The port of each host range the container got (PortStatus.Ports).
  ports: z
    .array(
      obj({
        Protocol: z.enum(['tcp', 'udp', 'sctp']).nullish(),
        TargetPort: int.min(1).max(65535),
        PublishedPort: int.min(1).max(65535),
        PublishMode: z.enum(['ingress', 'host']).nullish(),
        HostIP: z.string().refine((a) => isIP(a) !== 0, 'not an IP address').nullish(),
      }),
    )
    .max(1024)
    .nullish(),
});

export const statusRequestSchema = obj({ reports: z.array(taskReport).max(10_000) });

export const managerJoinSchema = obj({ token: str, nodeId: str, addr: str, stage: z.enum(['learner', 'voter']) });

export const tokenRoleSchema = obj({ token: str });

/** POST /agent/register: a worker's description of itself. */
export const registerSchema = obj({
  nodeId: str.nullish(),
  token: str.nullish(),
  role: z.enum(['worker', 'manager']).nullish(),
  addr: str.max(255),
  description: obj({
    Hostname: str.max(255),
    Platform: obj({ Architecture: str.nullish(), OS: str.nullish() }).nullish(),
    Resources: obj({ NanoCPUs: int, MemoryBytes: int }),
    Engine: obj({ EngineVersion: str.nullish(), Labels: z.record(str).nullish() }).nullish(),
  }),
});
