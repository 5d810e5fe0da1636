import { describe, expect, it } from 'vitest';
import { configDict129, configHash129, engineQuestions129, nanoseconds129, ProjectError129, serviceOptions129, type EngineFacts129 } from './config-dict-1-29';
import { pyJsonDumps } from './py-json';
import { load } from './test-helpers';

const none: EngineFacts129 = { imageIds: new Map(), containerIds: new Map(), serviceContainers: new Map() };

/**
 * Compose files and, per service, docker-compose 1.29's config_dict as its json_hash dumped it (and the
 * hash it printed), recorded with `-p proj` and no image on the engine; the project's directory as <DIR>.
 */
const FILES: Record<string, string> = {
  counter: "version: \"3.8\"\nservices:\n  web:\n    image: example/web:1\n    ports:\n      - \"8000:80\"\n    environment:\n      REDIS_HOST: redis\n    depends_on:\n      - redis\n  redis:\n    image: example/redis:1\n    volumes:\n      - redis-data:/data\nvolumes:\n  redis-data:\n",
  forms: "version: \"3.9\"\nservices:\n  web:\n    image: example/web:1\n    ports:\n      - \"127.0.0.1:9000-9001:9000-9001/udp\"\n      - \"127.0.0.1::81\"\n      - target: 443\n        published: 8443\n        protocol: tcp\n        mode: host\n      - \"5000\"\n    volumes:\n      - data:/data:ro\n      - /abs:/abs\n      - /anon\n      - type: volume\n        source: data\n        target: /vol\n        volume:\n          nocopy: true\n      - type: tmpfs\n        target: /t\n    networks:\n      front:\n        aliases: [w1]\n        priority: 10\n      back:\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n      interval: 1m30s\n      timeout: 0.3s\n    restart: on-failure:3\n    secrets:\n      - s1\n      - source: ext\n    security_opt:\n      - no-new-privileges\n    environment:\n      C: \"ünï ☃ 😀\"\n    links:\n      - db:database\n      - db\n  db:\n    image: example/db:1\n    networks: [back]\n    healthcheck:\n      disable: true\n    deploy:\n      restart_policy:\n        condition: none\n      resources:\n        limits:\n          cpus: \"0.5\"\n        reservations:\n          devices:\n            - capabilities: [gpu]\n              count: all\n    credential_spec:\n      registry: my-spec\n  side:\n    image: example/side:1\n    network_mode: host\n    volumes_from:\n      - web:ro\nnetworks:\n  front:\n    name: custom-front\n  back: {}\nvolumes:\n  data:\n    name: my-data\nsecrets:\n  s1:\n    file: /run/s1.txt\n  ext:\n    external: true\n",
  v1: "web:\n  image: example/web:1\n  ports:\n    - \"8000:80\"\n  volumes:\n    - /data\n  net: host\n  restart: always\ndb:\n  image: example/db:1\n  net: \"container:web\"\n",
  modes: "version: \"2.4\"\nservices:\n  a:\n    build: ./ctx\n    network_mode: none\n    ipc: shareable\n    cpus: 1.5\n  b:\n    image: example/b:1\n    network_mode: \"service:a\"\n    ipc: \"service:a\"\n  c:\n    image: example/c:1\n    networks: {}\n",
};
/** [file, service, 1.29's dump, 1.29's hash (none when it holds <DIR>)] */
const ORACLE: [string, string, string, string?][] = [
  ["counter", "redis", "{\"image_id\":null,\"ipc_mode\":null,\"links\":[],\"net\":\"proj_default\",\"networks\":{\"proj_default\":{}},\"options\":{\"device_requests\":null,\"image\":\"example/redis:1\",\"platform\":null,\"volumes\":[[\"proj_redis-data\",\"/data\",\"rw\"]]},\"secrets\":[],\"volumes_from\":[]}", "39fb14c951f2225dd8383aa66dbdde2bb27daf034059f52c10c31dc0c80a7680"],
  ["counter", "web", "{\"image_id\":null,\"ipc_mode\":null,\"links\":[],\"net\":\"proj_default\",\"networks\":{\"proj_default\":{}},\"options\":{\"depends_on\":{\"redis\":{\"condition\":\"service_started\"}},\"device_requests\":null,\"environment\":{\"REDIS_HOST\":\"redis\"},\"image\":\"example/web:1\",\"platform\":null,\"ports\":[[80,8000,null,null,null]],\"volumes\":[]},\"secrets\":[],\"volumes_from\":[]}", "b5da3a606596859f8502f0f192e8cc686442a1e50146da66fe75790c1e5d0456"],
  ["forms", "db", "{\"image_id\":null,\"ipc_mode\":null,\"links\":[],\"net\":\"proj_back\",\"networks\":{\"proj_back\":{}},\"options\":{\"cpus\":0.5,\"device_requests\":[{\"capabilities\":[[\"gpu\"]],\"count\":-1}],\"healthcheck\":{\"test\":[\"NONE\"]},\"image\":\"example/db:1\",\"mem_limit\":null,\"mem_reservation\":null,\"platform\":null,\"restart\":{\"MaximumRetryCount\":0,\"Name\":\"no\"},\"security_opt\":[\"credentialspec=registry://my-spec\"],\"volumes\":[]},\"secrets\":[],\"volumes_from\":[]}", "32a4b55ed2047ae18e60fa13ec1147b1b53b27a60ccf8d90c9fab9e43f354784"],
  ["forms", "web", "{\"image_id\":null,\"ipc_mode\":null,\"links\":[[\"db\",\"database\"],[\"db\",null]],\"net\":\"custom-front\",\"networks\":{\"custom-front\":{\"aliases\":[\"w1\"],\"priority\":10},\"proj_back\":{}},\"options\":{\"device_requests\":null,\"environment\":{\"C\":\"\\u00fcn\\u00ef \\u2603 \\ud83d\\ude00\"},\"healthcheck\":{\"interval\":90000000000,\"test\":[\"CMD\",\"true\"],\"timeout\":300000000},\"image\":\"example/web:1\",\"platform\":null,\"ports\":[[9000,9000,\"udp\",null,\"127.0.0.1\"],[9001,9001,\"udp\",null,\"127.0.0.1\"],[81,null,null,null,\"127.0.0.1\"],[443,8443,\"tcp\",\"host\",null],[5000,null,null,null,null]],\"restart\":{\"MaximumRetryCount\":3,\"Name\":\"on-failure\"},\"security_opt\":[[\"no-new-privileges\",null]],\"volumes\":[[\"my-data\",\"/data\",\"ro\"],[\"/abs\",\"/abs\",\"rw\"],[null,\"/anon\",\"rw\"],{\"source\":\"my-data\",\"target\":\"/vol\",\"type\":\"volume\",\"volume\":{\"nocopy\":true}},{\"target\":\"/t\",\"type\":\"tmpfs\"}]},\"secrets\":[{\"file\":\"/run/s1.txt\",\"secret\":[\"s1\",null,null,null,null,null]}],\"volumes_from\":[]}", "5bd5a8f9784ee68646147677294769d97dfa9bdfc5625ed07b0ffda78cc939a6"],
  ["forms", "side", "{\"image_id\":null,\"ipc_mode\":null,\"links\":[],\"net\":\"host\",\"networks\":{},\"options\":{\"device_requests\":null,\"image\":\"example/side:1\",\"platform\":null,\"volumes\":[]},\"secrets\":[],\"volumes_from\":[[\"web\",\"ro\"]]}", "ea3c793c436d706e5a0aa6a1a6c1abbeb437b3ce985990bbe366a2ca8153436d"],
  ["v1", "web", "{\"image_id\":null,\"ipc_mode\":null,\"links\":[],\"net\":\"host\",\"networks\":{},\"options\":{\"device_requests\":null,\"image\":\"example/web:1\",\"platform\":null,\"ports\":[[80,8000,null,null,null]],\"restart\":{\"MaximumRetryCount\":0,\"Name\":\"always\"},\"volumes\":[[null,\"/data\",\"rw\"]]},\"secrets\":[],\"volumes_from\":[]}", "72038a73590cd9b009799a03adbaed4f740299dec43c7670dc50d3548e450ba0"],
  ["v1", "db", "{\"image_id\":null,\"ipc_mode\":null,\"links\":[],\"net\":\"web\",\"networks\":{},\"options\":{\"device_requests\":null,\"image\":\"example/db:1\",\"platform\":null},\"secrets\":[],\"volumes_from\":[]}", "1c31b117cbda1ccb06cdde90a4e2a1dbe093387d8d4da632e9e1487addd8c098"],
  ["modes", "a", "{\"image_id\":null,\"ipc_mode\":\"shareable\",\"links\":[],\"net\":\"none\",\"networks\":{},\"options\":{\"build\":{\"context\":\"<DIR>/ctx\"},\"cpus\":1.5,\"device_requests\":null,\"platform\":null,\"volumes\":[]},\"secrets\":[],\"volumes_from\":[]}"],
  ["modes", "b", "{\"image_id\":null,\"ipc_mode\":null,\"links\":[],\"net\":\"a\",\"networks\":{},\"options\":{\"device_requests\":null,\"image\":\"example/b:1\",\"platform\":null,\"volumes\":[]},\"secrets\":[],\"volumes_from\":[]}", "304d6e576f893f5f234fe689981013409f62c4886beedb7e7e5c773c38b1f28d"],
  ["modes", "c", "{\"image_id\":null,\"ipc_mode\":null,\"links\":[],\"net\":\"none\",\"networks\":{},\"options\":{\"device_requests\":null,\"image\":\"example/c:1\",\"platform\":null,\"volumes\":[]},\"secrets\":[],\"volumes_from\":[]}", "c7d8cfca9f5c2a432d5778ff9915b7642c05e368aefc78d1748cbb2429a8924c"],
];

const project = (file: string) => load({ 'docker-compose.yml': FILES[file], 'ctx/Dockerfile': 'FROM scratch\n' });

describe('configDict129 (docker-compose 1.29 Service.config_dict)', () => {
  it.each(ORACLE)('%s: %s', (file, service, want, hash) => {
    const p = project(file);
    expect(pyJsonDumps(configDict129(p, service, none)).split(p.workingDir).join('<DIR>')).toBe(want);
    if (hash) expect(configHash129(p, service, none)).toBe(hash);
  });

  it('image_id: the engine ID of `image:`, else of the name the build tags (PROJECT_SERVICE)', () => {
    const p = project('modes');
    const facts = { ...none, imageIds: new Map([['proj_a', 'sha256:aa'], ['example/b:1', 'sha256:bb']]) };
    expect([configDict129(p, 'a', facts).image_id, configDict129(p, 'b', facts).image_id, configDict129(p, 'c', facts).image_id]).toEqual(['sha256:aa', 'sha256:bb', null]);
  });

  it('container:X and service:X modes take what the engine said; a service with no container leaves ipc null', () => {
    const p = load({ 'docker-compose.yml': 'version: "2.4"\nservices:\n  a: {image: x}\n  b: {image: x, ipc: "service:a"}\n  c: {image: x, network_mode: "container:other", ipc: "container:other"}\n' });
    const facts = { ...none, containerIds: new Map([['other', 'c0ffee']]), serviceContainers: new Map([['a', 'a1']]) };
    expect(configDict129(p, 'b', facts)).toMatchObject({ ipc_mode: 'container:a1', net: 'proj_default' });
    expect(configDict129(p, 'b', none).ipc_mode).toBeNull();
    expect(configDict129(p, 'c', facts)).toMatchObject({ ipc_mode: 'container:c0ffee', net: 'c0ffee', networks: {} });
    expect(engineQuestions129(p, ['a', 'b', 'c'])).toEqual({
      images: ['x', 'x', 'x'],
      containers: [
        { service: 'c', name: 'other', use: 'ipc' },
        { service: 'c', name: 'other', use: 'network' },
      ],
      services: ['a'],
    });
  });

  it('a deploy restart condition 1.29 has no policy for is refused as it words it', () => {
    const p = load({ 'docker-compose.yml': 'version: "3.8"\nservices:\n  a:\n    image: x\n    deploy: {restart_policy: {condition: on_failure}}\n' });
    expect(() => serviceOptions129(p, 'a')).toThrow(new ProjectError129('Invalid restart policy "on_failure"'));
  });
});

describe('nanoseconds129 (1.29 timeparse, then int(seconds / 1e-9))', () => {
  it.each([
    ['1m30s', 90_000_000_000],
    ['0.3s', 300_000_000],
    ['1.5s', 1_500_000_000],
    ['250ms', 250_000_000],
    ['1h', 3_600_000_000_000],
    ['10us', 10_000],
    [7, 7],
  ])('%s', (v, want) => expect(nanoseconds129(v)).toBe(want));
});
