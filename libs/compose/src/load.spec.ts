import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ComposeError } from './errors';
import { loadProject } from './load';
import { toStack } from './to-stack';
import { load, problemsOf, writeTree } from './test-helpers';

describe('loadProject: versions and validation', () => {
  it.each([
    ['v1', 'web:\n  image: x\n'],
    ['2.0', 'version: "2"\nservices:\n  web:\n    image: x\n'],
    ['2.4', 'version: "2.4"\nservices:\n  web:\n    image: x\n    mem_limit: 1g\n'],
    ['3.0', 'version: "3"\nservices:\n  web:\n    image: x\n'],
    ['3.9', 'version: "3.9"\nservices:\n  web:\n    image: x\n'],
    ['spec', 'services:\n  web:\n    image: x\n'],
  ])('reads %s', (_v, text) => {
    expect(load({ 'compose.yml': text }).services.web.image).toBe('x');
  });

  it.each([
    ['version: 3\nservices: {}\n', /Version in ".*" is invalid - it should be a string/],
    ['version: "4.0"\nservices: {}\n', /Version "4.0" in ".*" is invalid/],
    ['version: "1"\nservices: {}\n', /Version in ".*" is invalid/],
  ])('rejects bad versions: %j', (text, want) => {
    expect(problemsOf({ 'compose.yml': text })[0]).toMatch(want);
  });

  it('reports every problem of a file, each with line and column, in docker-compose words', () => {
    const problems = problemsOf({
      'compose.yml': [
        'version: "3.8"',
        'services:',
        '  web:',
        '    imagee: nginx',
        '    image: nginx',
        '    ports: "80"',
        '  db:',
        '    image: 1',
        '    command: 1',
        '    environment: [1]',
        '    build: {contxt: .}',
        '    depends_on: {web: {condition: bad}}',
        'foo: 1',
        '',
      ].join('\n'),
    });
    expect(problems).toEqual([
      `4:5 Unsupported config option for services.web: 'imagee'`,
      '6:5 services.web.ports contains an invalid type, it should be an array',
      '8:5 services.db.image contains an invalid type, it should be a string',
      '9:5 services.db.command contains an invalid type, it should be a string, or an array',
      '10:19 services.db.environment contains 1, which is an invalid type, it should be a string',
      `11:13 services.db.build contains unsupported option: 'contxt'`,
      '12:24 services.db.depends_on.web.condition contains "bad", which is an invalid value, it should be one of: service_started, service_healthy, service_completed_successfully',
      `13:1 'foo' does not match any of the regexes: '^x-'`,
    ]);
  });

  it('a problem in an override file names that file and its line', () => {
    const dir = writeTree({ 'a.yml': 'services:\n  web:\n    image: x\n', 'b.yml': 'services:\n  web:\n    ports:\n      - "1-3:4-5"\n' });
    try {
      loadProject({ workingDir: dir, files: ['a.yml', 'b.yml'], env: {} });
      throw new Error('loaded');
    } catch (e) {
      expect((e as ComposeError).problems).toEqual([
        { file: join(dir, 'b.yml'), line: 4, column: 9, message: 'services.web.ports: Invalid port "1-3:4-5": port ranges don\'t match in length' },
      ]);
    }
  });

  it.each([
    ['3.0', 'init: true', 'services.web.init is not part of compose file version 3.0 (it arrived in version 3.7)', `services.web Additional property init is not allowed`],
    ['3.3', 'healthcheck: {test: [CMD, "true"], start_period: 5s}', 'services.web.healthcheck.start_period is not part of compose file version 3.3 (it arrived in version 3.4)', 'services.web.healthcheck Additional property start_period is not allowed'],
    ['3.8', 'mem_limit: 1g', 'services.web.mem_limit is not part of compose file version 3.8 (it is not part of any 3.x version)', 'services.web Additional property mem_limit is not allowed'],
    ['2.4', 'deploy: {replicas: 2}', 'services.web.deploy is not part of compose file version 2.4 (it is not part of any 2.x version)', 'services.web Additional property deploy is not allowed'],
    ['2.0', 'healthcheck: {test: [CMD, "true"]}', 'services.web.healthcheck is not part of compose file version 2.0 (it arrived in version 2.1)', 'services.web Additional property healthcheck is not allowed'],
  ])('version %s: a key the version lacks warns (read like 1.29), and is an error in strict mode', (version, line, warning, strict) => {
    const files = { 'compose.yml': `version: "${version}"\nservices:\n  web:\n    image: x\n    ${line}\n` };
    const p = load(files);
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toMatch(/compose\.yml:5:\d+: /);
    expect(p.warnings[0]).toContain(warning);
    expect(problemsOf(files, { strictVersion: true })[0]).toMatch(new RegExp(`^5:\\d+ ${strict.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  it('keys within their version, and unversioned files, give no version warning', () => {
    expect(load({ 'compose.yml': 'version: "3.8"\nservices:\n  web:\n    image: x\n    init: true\n    deploy: {rollback_config: {order: start-first}}\n' }).warnings).toEqual([]);
    expect(load({ 'compose.yml': 'services:\n  web:\n    image: x\n    mem_limit: 1g\n    deploy: {replicas: 1}\n' }).warnings).toEqual([]);
  });

  it('a problem in the first file is located there, even when an override names the same service', () => {
    const dir = writeTree({ 'a.yml': 'services:\n  web:\n    image: x\n    stop_grace_period: forever\n', 'b.yml': 'services:\n  web:\n    image: y\n' });
    try {
      loadProject({ workingDir: dir, files: ['a.yml', 'b.yml'], env: {} });
      throw new Error('loaded');
    } catch (e) {
      expect((e as ComposeError).problems.map((p) => [p.file, p.line, p.column])).toEqual([[join(dir, 'a.yml'), 4, 5]]);
    }
  });

  it('words v1 problems as docker-compose does', () => {
    expect(problemsOf({ 'compose.yml': 'web:\n  imagee: nginx\n  image: x\n' })).toEqual([`2:3 Unsupported config option for web: 'imagee'`]);
  });

  it('the message has one line per problem, each FILE:LINE:COLUMN: message', () => {
    const dir = writeTree({ 'compose.yml': 'services:\n  web:\n    imagee: x\n    image: x\n    tty: 5\n' });
    try {
      loadProject({ workingDir: dir, env: {} });
      throw new Error('loaded');
    } catch (e) {
      expect(e).toBeInstanceOf(ComposeError);
      expect((e as Error).message.split('\n')).toEqual([
        `${join(dir, 'compose.yml')}:3:5: Unsupported config option for services.web: 'imagee'`,
        `${join(dir, 'compose.yml')}:5:5: services.web.tty contains an invalid type, it should be a boolean`,
      ]);
    }
  });

  it.each([
    ['undefined network', 'services:\n  web:\n    image: x\n    networks: [nope]\n', '4:5 Service "web" uses an undefined network "nope"'],
    ['undefined volume', 'services:\n  web:\n    image: x\n    volumes: ["nope:/d"]\n', '4:15 Named volume "nope:/d" is used in service "web" but no declaration was found in the volumes section.'],
    ['undefined secret', 'services:\n  web:\n    image: x\n    secrets: [s]\n', '4:15 Service "web" uses an undefined secret "s"'],
    ['undefined config', 'services:\n  web:\n    image: x\n    configs: [c]\n', '4:15 Service "web" uses an undefined config "c"'],
    ['unknown dependency', 'services:\n  web:\n    image: x\n    depends_on: [db]\n', `4:5 Service 'web' depends on service 'db' which is undefined.`],
    ['dependency cycle', 'services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n', '2:3 Circular dependency between a and b'],
    ['link cycle', 'web:\n  image: x\n  links: [db]\ndb:\n  image: x\n  volumes_from: [web]\n', '1:1 Circular dependency between web and db'],
    ['container_name with replicas', 'services:\n  web:\n    image: x\n    container_name: one\n    deploy: {replicas: 2}\n', '4:5 services.web: container_name "one" cannot be used with more than one replica (2): container names must be unique'],
    ['invalid duration', 'services:\n  web:\n    image: x\n    stop_grace_period: 10 parsecs\n', '4:5 services.web.stop_grace_period has an invalid duration "10 parsecs": use a number and a unit, e.g. 1m30s, 500ms, 10s'],
    ['invalid size', 'services:\n  web:\n    image: x\n    deploy: {resources: {limits: {memory: lots}}}\n', '4:35 services.web.deploy.resources.limits.memory has an invalid size "lots": use bytes or a unit, e.g. 512k, 64m, 1g'],
    ['invalid port', 'services:\n  web:\n    image: x\n    ports: ["1-3:4-5"]\n', '4:13 services.web.ports: Invalid port "1-3:4-5": port ranges don\'t match in length'],
    ['no image', 'services:\n  web:\n    command: x\n', '2:3 Service web has neither an image nor a build context specified. At least one must be provided.'],
    ['healthcheck disable with options', 'services:\n  web:\n    image: x\n    healthcheck: {disable: true, interval: 5s}\n', '4:5 Service "web" defines an invalid healthcheck: "disable: true" cannot be combined with other options'],
    ['healthcheck empty test', 'services:\n  web:\n    image: x\n    healthcheck: {test: []}\n', '4:5 Service "web" defines an invalid healthcheck: "test" is an empty list'],
    ['healthcheck bad test', 'services:\n  web:\n    image: x\n    healthcheck: {test: [curl, x]}\n', '4:5 Service "web" defines an invalid healthcheck: when "test" is a list the first item must be either NONE, CMD or CMD-SHELL'],
    ['uppercase name without image', 'services:\n  Web:\n    build: .\n', "2:3 Service 'Web' contains uppercase characters which are not valid as part of an image name. Either use a lowercase service name or use the `image` field to set a custom name for the service image."],
    ['empty file', '# nothing here\n', /^1:1 Top level object in '.*' needs to be an object, not nothing \(an empty file\)\.$/],
    ['a list', '- a\n- b\n', /^1:1 Top level object in '.*' needs to be an object, not a list\.$/],
    ['whitespace in an environment name', 'services:\n  web:\n    image: x\n    environment: ["A B=1"]\n', "4:5 environment variable name 'A B' may not contain whitespace."],
    ['bad restart', 'services:\n  web:\n    image: x\n    restart: sometimes\n', '4:5 services.web.restart has an invalid value "sometimes": it should be no, always, unless-stopped or on-failure[:N]'],
    ['required variable', 'services:\n  web:\n    image: ${TAG:?TAG is required}\n', '3:5 Missing mandatory value for "image" option interpolating ${TAG:?TAG is required} in service "web": TAG is required'],
    ['bad interpolation', 'services:\n  web:\n    image: "x${"\n', '3:5 Invalid interpolation format for "image" option in service "web": "x${"'],
    ['bad conversion', 'services:\n  web:\n    image: x\n    deploy: {replicas: "${N:-two}"}\n', '4:14 Error while attempting to convert service.web.deploy.replicas to appropriate type: "two" is not a valid integer'],
  ])('semantic: %s', (_name, text, want) => {
    const got = problemsOf({ 'compose.yml': text });
    if (want instanceof RegExp) {
      expect(got).toHaveLength(1);
      expect(got[0]).toMatch(want);
    } else expect(got).toEqual([want]);
  });
});

describe('loadProject: interpolation and environment', () => {
  it('shell env beats .env; unset variables warn and become empty', () => {
    const p = load(
      { 'compose.yml': 'services:\n  web:\n    image: "${IMG}:${TAG}"\n    environment:\n      - A=${A}\n      - B=${NOPE}\n', '.env': 'IMG=from-dotenv\nTAG=1\nA=dotenv\n' },
      { env: { A: 'shell' } },
    );
    expect(p.services.web.image).toBe('from-dotenv:1');
    expect(p.services.web.environment).toEqual({ A: 'shell', B: '' });
    expect(p.warnings).toEqual(['The NOPE variable is not set. Defaulting to a blank string.']);
  });

  it('.env is read from the project directory (the first file\'s), not the current one', () => {
    const dir = writeTree({ 'proj/compose.yml': 'services:\n  web:\n    image: "${IMG}"\n', 'proj/.env': 'IMG=from-project\n', '.env': 'IMG=from-cwd\n' });
    const p = loadProject({ files: [join(dir, 'proj/compose.yml')], env: {} });
    expect(p.services.web.image).toBe('from-project');
  });

  it('--env-file replaces .env', () => {
    const p = load({ 'compose.yml': 'services:\n  web:\n    image: "${IMG}"\n', '.env': 'IMG=a\n', 'other.env': 'IMG=b\n' }, { envFile: 'other.env' });
    expect(p.services.web.image).toBe('b');
  });

  it('environment KEY without value comes from the environment, or stays as null (1.29), even over an env_file value', () => {
    const p = load({ 'compose.yml': 'services:\n  web:\n    image: x\n    env_file: [a.env]\n    environment: [FROM_ENV, NOT_SET, "X=1", SHOW]\n', 'a.env': 'SHOW=file\n' }, { env: { FROM_ENV: 'yes' } });
    expect(p.services.web.environment).toEqual({ FROM_ENV: 'yes', NOT_SET: null, X: '1', SHOW: null });
    // Docker gets the bare name, which takes the variable out of the image's environment (as 1.29 and `docker stack deploy` send it).
    expect(toStack(p).services[0].TaskTemplate.ContainerSpec.Env).toEqual(['FROM_ENV=yes', 'NOT_SET', 'SHOW', 'X=1']);
  });

  it('accepts what 1.29 accepts: an empty interpolated image, any restart condition, a one-letter volume name', () => {
    const p = load({ 'compose.yml': 'services:\n  web:\n    image: ${UNSET}\n    volumes: ["d:/data"]\n    deploy: {restart_policy: {condition: on_failure}}\nvolumes:\n  d: {}\n' });
    expect(p.services.web.image).toBe('');
    expect(p.services.web.volumes).toEqual([{ type: 'volume', source: 'd', target: '/data' }]);
    expect(p.services.web.deploy?.restart_policy?.condition).toBe('on_failure');
    // ...and refuses to deploy the condition Swarm does not know, in 1.29's `up` words.
    expect(() => toStack(p)).toThrow(/Service web: Invalid restart policy "on_failure"/);
  });

  it('refuses what 1.29 refuses: build secrets, a missing extends file, with file:line:column', () => {
    expect(() => load({ 'compose.yml': 'services:\n  web:\n    build:\n      context: .\n      secrets: [t]\n' })).toThrow(/compose\.yml:5:7: services\.web\.build contains unsupported option: 'secrets'/);
    expect(() => load({ 'compose.yml': 'services:\n  web:\n    image: x\n    extends: {file: nope.yml, service: b}\n' })).toThrow(/compose\.yml:4:5: Cannot extend service 'web': cannot read .*nope\.yml/);
  });

  it('env_file values are overridden by environment', () => {
    const p = load({ 'compose.yml': 'services:\n  web:\n    image: x\n    env_file: [a.env]\n    environment: {B: own}\n', 'a.env': 'A=1\nB=file\n' });
    expect(p.services.web.environment).toEqual({ A: '1', B: 'own' });
  });

  it('YAML 1.2 deviations: unquoted 49100:22 is a port mapping, booleans in environment become strings', () => {
    const p = load({ 'compose.yml': 'services:\n  web:\n    image: x\n    ports:\n      - 49100:22\n    environment:\n      ON: true\n      DEBUG: yes\n' });
    expect(p.services.web.ports).toEqual([{ target: 22, published: 49100, protocol: 'tcp', mode: 'ingress' }]);
    expect(p.services.web.environment).toEqual({ ON: 'true', DEBUG: 'yes' });
  });

  it('converts interpolated numbers and booleans', () => {
    const p = load({ 'compose.yml': 'services:\n  web:\n    image: x\n    tty: "${T}"\n    deploy:\n      replicas: ${N}\n' }, { env: { T: 'true', N: '3' } });
    expect(p.services.web.tty).toBe(true);
    expect(p.services.web.deploy?.replicas).toBe(3);
  });
});

describe('loadProject: files, names and profiles', () => {
  it.each([
    [{ projectName: 'Given' }, 'given'],
    [{ env: { COMPOSE_PROJECT_NAME: 'From_Env' } }, 'from_env'],
  ])('project name %j → %s', (opts, want) => {
    const dir = writeTree({ 'compose.yml': 'services:\n  web:\n    image: x\n' });
    expect(loadProject({ workingDir: dir, env: {}, ...opts }).name).toBe(want);
  });

  it('the directory name lower-cased and sanitised; a top-level name: is refused as 1.29 refuses it', () => {
    const named = writeTree({ 'compose.yml': 'name: declared\nservices:\n  web:\n    image: x\n' });
    expect(() => loadProject({ workingDir: named, env: {} })).toThrow(/compose\.yml:1:1: 'name' does not match any of the regexes: '\^x-'/);
    const dir = writeTree({ 'My App.v2/compose.yml': 'services:\n  web:\n    image: x\n' });
    expect(loadProject({ files: [join(dir, 'My App.v2/compose.yml')], env: {} }).name).toBe('myappv2');
  });

  it('finds compose.yaml and its override by default, COMPOSE_FILE when set', () => {
    const dir = writeTree({
      'compose.yaml': 'services:\n  web:\n    image: base\n',
      'compose.override.yaml': 'services:\n  web:\n    image: override\n',
      'other.yml': 'services:\n  other:\n    image: o\n',
      'third.yml': 'services:\n  third:\n    image: t\n',
    });
    expect(loadProject({ workingDir: dir, env: {} }).services.web.image).toBe('override');
    const p = loadProject({ workingDir: dir, env: { COMPOSE_FILE: 'other.yml:third.yml' } });
    expect(Object.keys(p.services)).toEqual(['other', 'third']);
    const q = loadProject({ workingDir: dir, env: { COMPOSE_FILE: 'other.yml;third.yml', COMPOSE_PATH_SEPARATOR: ';' } });
    expect(Object.keys(q.services)).toEqual(['other', 'third']);
  });

  it('COMPOSE_FILE and COMPOSE_PROFILES may come from .env', () => {
    const dir = writeTree({
      '.env': 'COMPOSE_FILE=other.yml\nCOMPOSE_PROFILES=extra\n',
      'compose.yaml': 'services:\n  web:\n    image: base\n',
      'other.yml': 'services:\n  other:\n    image: o\n  more:\n    image: m\n    profiles: [extra]\n',
    });
    expect(Object.keys(loadProject({ workingDir: dir, env: {} }).services)).toEqual(['other', 'more']);
  });

  it('a missing -f file is an error naming it', () => {
    expect(() => load({ 'compose.yml': 'services: {}\n' }, { files: ['nope.yml'] })).toThrow(/nope\.yml: no such file or directory/);
  });

  it('a dependency disabled by its profiles is an error (as docker-compose up says)', () => {
    expect(problemsOf({ 'compose.yml': 'services:\n  web: {image: x, depends_on: [db]}\n  db: {image: x, profiles: [db]}\n' })).toEqual([
      '2:19 Service "db" was pulled in as a dependency of service "web" but is not enabled by the active profiles (it needs one of: db).',
    ]);
  });

  it('profiles: services with profiles only when one is active; all profiles listed', () => {
    const files = { 'compose.yml': 'services:\n  app: {image: x}\n  dbg: {image: x, profiles: [debug]}\n  t: {image: x, profiles: [tools]}\n' };
    expect(Object.keys(load(files).services)).toEqual(['app']);
    expect(Object.keys(load(files, { profiles: ['debug'] }).services)).toEqual(['app', 'dbg']);
    expect(Object.keys(load(files, { env: { COMPOSE_PROFILES: 'tools,debug' } }).services)).toEqual(['app', 'dbg', 't']);
    expect(load(files).allProfiles).toEqual(['debug', 'tools']);
  });
});

describe('loadProject: extends', () => {
  it('same file, chained, with the extending service winning', () => {
    const p = load({
      'compose.yml': 'services:\n  base:\n    image: b\n    environment: {A: base, B: base}\n  mid:\n    extends: base\n    environment: {B: mid}\n  top:\n    extends: {service: mid}\n    command: run\n',
    });
    expect(p.services.top).toMatchObject({ image: 'b', environment: { A: 'base', B: 'mid' }, command: ['run'] });
  });

  it('another file: its relative paths are resolved against its own directory', () => {
    const p = load({
      'compose.yml': 'services:\n  web:\n    extends: {file: lib/base.yml, service: app}\n    volumes: ["./mine:/mine"]\n',
      'lib/base.yml': 'services:\n  app:\n    image: b\n    build: ./ctx\n    volumes: ["./data:/data"]\n',
    });
    const web = p.services.web;
    expect(web.build?.context).toBe(join(p.workingDir, 'lib/ctx'));
    expect(web.volumes.map((v) => v.source)).toEqual([join(p.workingDir, 'lib/data'), join(p.workingDir, 'mine')]);
  });

  it('extending a service leaves the base service as it was (1.29 writes the extension\'s deploy into the base)', () => {
    const p = load({
      'compose.yml': 'services:\n  base:\n    image: x\n    deploy: {resources: {limits: {memory: 64M}}, restart_policy: {condition: none, max_attempts: 2}}\n  ext:\n    extends: base\n    deploy: {resources: {limits: {memory: 1G}}, restart_policy: {max_attempts: 4}}\n',
    });
    expect(p.services.base.deploy).toMatchObject({ resources: { limits: { memory: 64 * 1024 ** 2 } }, restart_policy: { condition: 'none', max_attempts: 2 } });
    expect(p.services.ext.deploy).toMatchObject({ resources: { limits: { memory: 1024 ** 3 } }, restart_policy: { condition: 'none', max_attempts: 4 } });
  });

  it('within the project, extends sees the services of every -f file merged', () => {
    const p = load({ 'a.yml': 'services:\n  web:\n    extends: base\n', 'b.yml': 'services:\n  base:\n    image: from-b\n' }, { files: ['a.yml', 'b.yml'] });
    expect(p.services.web.image).toBe('from-b');
  });

  it.each([
    ['a cycle', 'services:\n  a: {image: x, extends: b}\n  b: {image: x, extends: a}\n', /Circular reference: a in .* extends b in .* extends a in/],
    ['a missing base', 'services:\n  a: {image: x, extends: nope}\n', /Cannot extend service 'nope' in .*: Service not found/],
    ['a base with links', 'services:\n  a: {image: x, links: [c]}\n  b: {extends: a}\n  c: {image: x}\n', /services with 'links' cannot be extended/],
  ])('rejects %s', (_n, text, want) => {
    expect(problemsOf({ 'compose.yml': text })[0]).toMatch(want);
  });
});

describe('unreadable .env and env_file lines', () => {
  it('are skipped with a warning naming the file and line, the rest read (as 1.29 does)', () => {
    const p = load({
      'compose.yml': 'services:\n  a:\n    image: x\n    env_file: e.env\n    environment:\n      Z: ${zot}\n',
      '.env': '# c\nfoo="\n  a\n"\nINVALID LINE\nzot=qix\n',
      'e.env': 'ok=1\nNOT A LINE\nalso=2\n',
    });
    expect(p.services.a.environment).toEqual({ ok: '1', also: '2', Z: 'qix' });
    expect(p.warnings.filter((w) => /could not parse/.test(w)).map((w) => w.replace(/^.*\//, ''))).toEqual([
      '.env: could not parse statement starting at line 5; it is skipped',
      'e.env: could not parse statement starting at line 2; it is skipped',
    ]);
  });
});
