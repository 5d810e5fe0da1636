/**
 * The shape of a compose file, written as data: which keys each object allows
 * and what type each value has. One description for the Compose Specification
 * (which docker-compose 1.29 also applies to 2.x and 3.x files) and one for v1.
 */
export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

export interface Schema {
  /** Alternatives, tried by the value's JSON type. */
  alts: Alt[];
}

export interface Alt {
  type: JsonType;
  props?: Record<string, Schema>;
  /** Schema of any other key; `x` = only `x-` extension keys; absent = anything goes. */
  extra?: Schema | 'x';
  /** Keys other props must match (`extra` applies to them). */
  keyPattern?: RegExp;
  items?: Schema;
  unique?: boolean;
  enum?: readonly string[];
  required?: readonly string[];
}

const alt = (type: JsonType, o: Omit<Alt, 'type'> = {}): Schema => ({ alts: [{ type, ...o }] });
export const any: Schema = { alts: [] };
const str = alt('string');
const int = alt('integer');
const num = alt('number');
const bool = alt('boolean');
const nul = alt('null');
const oneOf = (...s: Schema[]): Schema => ({ alts: s.flatMap((x) => x.alts) });
const strEnum = (...e: string[]): Schema => alt('string', { enum: e });
const arr = (items: Schema, unique = false): Schema => alt('array', { items, unique });
/** An object with known keys; other keys only `x-`. */
const obj = (props: Record<string, Schema>, required?: string[]): Schema => alt('object', { props, extra: 'x', required });
const mapOf = (values: Schema, keyPattern?: RegExp): Schema => alt('object', { props: {}, extra: values, keyPattern });
const listOfStrings = arr(str, true);
const stringOrList = oneOf(str, listOfStrings);
const listOrDict = oneOf(mapOf(oneOf(str, num, bool, nul)), listOfStrings);
const strOrNum = oneOf(str, num);

const healthcheck = obj({
  disable: bool,
  interval: str,
  retries: num,
  test: oneOf(str, arr(str)),
  timeout: str,
  start_period: str,
  start_interval: str,
});

const updateConfig = obj({
  parallelism: int,
  delay: str,
  failure_action: str,
  monitor: str,
  max_failure_ratio: num,
  order: strEnum('start-first', 'stop-first'),
});

const resourceSet = obj({
  cpus: strOrNum,
  memory: str,
  pids: int,
  generic_resources: arr(any),
  devices: arr(any),
});

const deploy = obj({
  mode: str,
  endpoint_mode: str,
  replicas: int,
  labels: listOrDict,
  rollback_config: updateConfig,
  update_config: updateConfig,
  resources: obj({ limits: resourceSet, reservations: resourceSet }),
  restart_policy: obj({ condition: str, delay: str, max_attempts: int, window: str }),
  placement: obj({
    constraints: arr(str),
    preferences: arr(obj({ spread: str })),
    max_replicas_per_node: int,
  }),
});

const build = oneOf(
  str,
  obj({
    context: str,
    dockerfile: str,
    dockerfile_inline: str,
    args: listOrDict,
    ssh: listOrDict,
    labels: listOrDict,
    cache_from: arr(str),
    cache_to: arr(str),
    no_cache: bool,
    additional_contexts: listOrDict,
    network: str,
    pull: bool,
    target: str,
    shm_size: oneOf(int, str),
    extra_hosts: listOrDict,
    isolation: str,
    privileged: bool,
    tags: arr(str),
    platforms: arr(str),
  }),
);

const port = oneOf(
  num,
  str,
  obj({
    name: str,
    mode: str,
    host_ip: str,
    target: int,
    published: oneOf(int, str),
    protocol: str,
    app_protocol: str,
  }),
);

const serviceVolume = oneOf(
  str,
  obj(
    {
      type: str,
      source: str,
      target: str,
      read_only: bool,
      consistency: str,
      bind: obj({ propagation: str, create_host_path: bool, selinux: strEnum('z', 'Z') }),
      volume: obj({ nocopy: bool, subpath: str }),
      tmpfs: obj({ size: oneOf(int, str), mode: num }),
    },
    ['type'],
  ),
);

const fileRef = oneOf(str, obj({ source: str, target: str, uid: str, gid: str, mode: num }));

const serviceNetworks = oneOf(
  listOfStrings,
  mapOf(
    oneOf(
      obj({
        aliases: listOfStrings,
        ipv4_address: str,
        ipv6_address: str,
        link_local_ips: listOfStrings,
        mac_address: str,
        driver_opts: mapOf(strOrNum),
        priority: num,
      }),
      nul,
    ),
    /^[a-zA-Z0-9._-]+$/,
  ),
);

const dependsOn = oneOf(
  listOfStrings,
  mapOf(
    obj(
      {
        condition: strEnum('service_started', 'service_healthy', 'service_completed_successfully'),
        restart: bool,
        required: bool,
      },
      ['condition'],
    ),
    /^[a-zA-Z0-9._-]+$/,
  ),
);

const ulimits = mapOf(oneOf(int, obj({ hard: int, soft: int }, ['soft', 'hard'])), /^[a-z]+$/);

const logging = obj({ driver: str, options: mapOf(oneOf(str, num, nul)) });

const SPEC_SERVICE: Record<string, Schema> = {
  annotations: listOrDict,
  attach: bool,
  blkio_config: any,
  build,
  cap_add: listOfStrings,
  cap_drop: listOfStrings,
  cgroup: str,
  cgroup_parent: str,
  command: oneOf(str, arr(str)),
  configs: arr(fileRef),
  container_name: str,
  cpu_count: int,
  cpu_percent: int,
  cpu_period: oneOf(num, str),
  cpu_quota: oneOf(num, str),
  cpu_rt_period: oneOf(num, str),
  cpu_rt_runtime: oneOf(num, str),
  cpu_shares: oneOf(num, str),
  cpus: oneOf(num, str),
  cpuset: str,
  credential_spec: obj({ config: str, file: str, registry: str }),
  depends_on: dependsOn,
  deploy,
  develop: any,
  device_cgroup_rules: listOfStrings,
  devices: arr(oneOf(str, any)),
  dns: stringOrList,
  dns_opt: arr(str, true),
  dns_search: stringOrList,
  domainname: str,
  entrypoint: oneOf(str, arr(str)),
  env_file: oneOf(str, arr(oneOf(str, obj({ path: str, required: bool })))),
  environment: listOrDict,
  expose: arr(oneOf(str, num), true),
  extends: oneOf(str, obj({ service: str, file: str }, ['service'])),
  external_links: listOfStrings,
  extra_hosts: listOrDict,
  group_add: arr(oneOf(str, num), true),
  healthcheck,
  hostname: str,
  image: str,
  init: bool,
  ipc: str,
  isolation: str,
  labels: listOrDict,
  links: listOfStrings,
  logging,
  mac_address: str,
  mem_limit: oneOf(num, str),
  mem_reservation: oneOf(str, int),
  mem_swappiness: int,
  memswap_limit: oneOf(num, str),
  network_mode: str,
  networks: serviceNetworks,
  oom_kill_disable: bool,
  oom_score_adj: int,
  pid: oneOf(str, nul),
  pids_limit: oneOf(num, str),
  platform: str,
  ports: arr(port, true),
  privileged: bool,
  profiles: listOfStrings,
  pull_policy: strEnum('always', 'never', 'if_not_present', 'build', 'missing'),
  read_only: bool,
  restart: str,
  runtime: str,
  scale: int,
  secrets: arr(fileRef),
  security_opt: listOfStrings,
  shm_size: oneOf(num, str),
  stdin_open: bool,
  stop_grace_period: str,
  stop_signal: str,
  storage_opt: alt('object'),
  sysctls: listOrDict,
  tmpfs: stringOrList,
  tty: bool,
  ulimits,
  user: str,
  userns_mode: str,
  uts: str,
  volumes: arr(serviceVolume, true),
  volumes_from: listOfStrings,
  working_dir: str,
};

const external = oneOf(bool, obj({ name: str }));
const ipam = obj({ driver: str, config: arr(obj({ subnet: str, ip_range: str, gateway: str, aux_addresses: mapOf(str) })), options: mapOf(str) });

const network = oneOf(
  nul,
  obj({
    name: str,
    driver: str,
    driver_opts: mapOf(strOrNum),
    ipam,
    external,
    internal: bool,
    enable_ipv6: bool,
    attachable: bool,
    labels: listOrDict,
  }),
);
const volume = oneOf(nul, obj({ name: str, driver: str, driver_opts: mapOf(strOrNum), external, labels: listOrDict }));
const secret = obj({ name: str, environment: str, file: str, external, labels: listOrDict, driver: str, driver_opts: mapOf(strOrNum), template_driver: str });
const config = obj({ name: str, content: str, environment: str, file: str, external, labels: listOrDict, template_driver: str });

const NAME = /^[a-zA-Z0-9._-]+$/;

/** Compose Specification (unversioned) and 2.x/3.x files. */
export const SPEC_SCHEMA: Schema = obj({
  version: str,
  services: mapOf(alt('object', { props: SPEC_SERVICE, extra: 'x' }), NAME),
  networks: mapOf(network, NAME),
  volumes: mapOf(volume, NAME),
  secrets: mapOf(secret, NAME),
  configs: mapOf(config, NAME),
});

const V1_SERVICE: Record<string, Schema> = {
  build: str,
  cap_add: listOfStrings,
  cap_drop: listOfStrings,
  cgroup_parent: str,
  command: oneOf(str, arr(str)),
  container_name: str,
  cpu_quota: oneOf(num, str),
  cpu_shares: oneOf(num, str),
  cpuset: str,
  devices: listOfStrings,
  dns: stringOrList,
  dns_search: stringOrList,
  dockerfile: str,
  domainname: str,
  entrypoint: oneOf(str, arr(str)),
  env_file: stringOrList,
  environment: listOrDict,
  expose: arr(oneOf(str, num), true),
  extends: oneOf(str, obj({ service: str, file: str }, ['service'])),
  external_links: listOfStrings,
  extra_hosts: listOrDict,
  hostname: str,
  image: str,
  ipc: str,
  labels: listOrDict,
  links: listOfStrings,
  log_driver: str,
  log_opt: mapOf(oneOf(str, num, nul)),
  mac_address: str,
  mem_limit: oneOf(num, str),
  mem_swappiness: int,
  memswap_limit: oneOf(num, str),
  net: str,
  pid: oneOf(str, nul),
  ports: arr(oneOf(num, str), true),
  privileged: bool,
  read_only: bool,
  restart: str,
  security_opt: listOfStrings,
  shm_size: oneOf(num, str),
  stdin_open: bool,
  stop_signal: str,
  tty: bool,
  ulimits,
  user: str,
  volume_driver: str,
  volumes: arr(str, true),
  volumes_from: listOfStrings,
  working_dir: str,
};

/** v1: services at the top level, no networks/volumes sections. */
export const V1_SCHEMA: Schema = mapOf(alt('object', { props: V1_SERVICE, extra: 'x' }), NAME);
