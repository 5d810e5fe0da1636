import { isIP } from 'node:net';
import { z } from 'zod';
import { bool, int, obj, str, strList, strMap, uint } from './primitives';

// Name, Mode's counts and Update/RollbackConfig are left to spec-validation.ts, which answers in Docker's words.

const fileTarget = obj({ Name: str.nullish(), UID: str.nullish(), GID: str.nullish(), Mode: uint.nullish() }).nullish();

const mount = obj({
  Type: str.nullish(),
  Source: str.nullish(),
  Target: str.nullish(),
  ReadOnly: bool.nullish(),
  BindOptions: obj({ Propagation: str.nullish(), CreateMountpoint: bool.nullish() }).nullish(),
  VolumeOptions: obj({ NoCopy: bool.nullish(), Labels: strMap, DriverConfig: obj({ Name: str.nullish(), Options: strMap }).nullish() }).nullish(),
  TmpfsOptions: obj({ SizeBytes: int.nullish(), Mode: uint.nullish() }).nullish(),
});

const containerSpec = obj({
  Image: str.nullish(),
  // The engine's rule for a container name: it would refuse the create, on every node, task after task.
  ContainerName: str.regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, 'not a valid container name: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed').nullish(),
  Labels: strMap,
  Command: strList,
  Args: strList,
  Hostname: str.nullish(),
  Env: strList,
  Dir: str.nullish(),
  User: str.nullish(),
  Groups: strList,
  TTY: bool.nullish(),
  OpenStdin: bool.nullish(),
  ReadOnly: bool.nullish(),
  Mounts: z.array(mount).nullish(),
  StopSignal: str.nullish(),
  StopGracePeriod: int.nullish(),
  Healthcheck: obj({ Test: strList, Interval: int.nullish(), Timeout: int.nullish(), Retries: int.nullish(), StartPeriod: int.nullish() }).nullish(),
  Hosts: strList,
  DNSConfig: obj({ Nameservers: strList, Search: strList, Options: strList }).nullish(),
  Init: bool.nullish(),
  Sysctls: strMap,
  CapabilityAdd: strList,
  CapabilityDrop: strList,
  Secrets: z.array(obj({ File: fileTarget, SecretID: str.nullish(), SecretName: str.nullish() })).nullish(),
  Configs: z.array(obj({ File: fileTarget, ConfigID: str.nullish(), ConfigName: str.nullish() })).nullish(),
});

const resourceSet = obj({ NanoCPUs: int.nullish(), MemoryBytes: int.nullish(), Pids: int.nullish() }).nullish();

const taskSpec = obj({
  ContainerSpec: containerSpec.nullish(),
  Resources: obj({ Limits: resourceSet, Reservations: resourceSet }).nullish(),
  RestartPolicy: obj({ Condition: str.nullish(), Delay: int.nullish(), MaxAttempts: uint.nullish(), Window: int.nullish() }).nullish(),
  Placement: obj({
    Constraints: strList,
    Preferences: z.array(obj({ Spread: obj({ SpreadDescriptor: str.nullish() }).nullish() })).nullish(),
    MaxReplicas: uint.nullish(),
    Platforms: z.array(obj({ Architecture: str.nullish(), OS: str.nullish() })).nullish(),
  }).nullish(),
  Networks: z.array(obj({ Target: str, Aliases: strList, DriverOpts: strMap })).nullish(),
  LogDriver: obj({ Name: str.nullish(), Options: strMap }).nullish(),
  ForceUpdate: uint.nullish(),
  Runtime: str.nullish(),
});

const port = obj({
  Name: str.nullish(),
  Protocol: z.enum(['tcp', 'udp', 'sctp']).nullish(),
  TargetPort: uint.nullish(),
  PublishedPort: uint.nullish(),
  PublishMode: z.enum(['ingress', 'host']).nullish(),
  HostIP: z.string().refine((s) => isIP(s) !== 0, 'not an IP address').nullish(),
  // flotilla's: the end of a host range (compose's "18000-18001:80"); spec-validation checks it against the rest.
  PublishedPortEnd: uint.max(65535).nullish(),
});

export const serviceSpecSchema = obj({
  Labels: strMap,
  TaskTemplate: taskSpec.nullish(),
  Mode: z.record(z.unknown()).nullish(),
  EndpointSpec: obj({ Mode: z.enum(['vip', 'dnsrr']).nullish(), Ports: z.array(port).nullish() }).nullish(),
});
