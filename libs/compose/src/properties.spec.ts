/** Property tests: no input crashes the loader with anything but a ComposeError; `config` output re-loads to the same model. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { ComposeError } from './errors';
import { loadProject } from './load';
import type { ComposeProject } from './model';
import { pyyamlDump, type PyValue } from './pyyaml-dump';
import { renderConfig } from './render-config';
import { writeTree } from './test-helpers';

const dir = writeTree({ 'compose.yml': '' });
const file = join(dir, 'compose.yml');

function tryLoad(text: string): ComposeProject | ComposeError {
  writeFileSync(file, text);
  try {
    return loadProject({ workingDir: dir, files: ['compose.yml'], env: { SET: 'v' }, projectName: 'prop' });
  } catch (e) {
    if (e instanceof ComposeError) return e;
    throw new Error(`non-compose error for input:\n${text}\n${(e as Error).stack}`);
  }
}

const key = fc.constantFrom('image', 'command', 'ports', 'volumes', 'environment', 'deploy', 'networks', 'depends_on', 'healthcheck', 'build', 'extends', 'labels', 'x-any', 'bogus', 'replicas', 'mode', 'target', 'published', 'source', 'type');
const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('80:80', './x:/y', '${SET}', '${UNSET:?no}', '$', 'a=b', '1m', 'global'));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
})).v;
const composeish = fc.record(
  {
    version: fc.constantFrom('3.8', '2.4', '2', '3', 3, '9', undefined),
    services: fc.dictionary(fc.constantFrom('web', 'db', 'x-ext', '1', 'a b'), fc.oneof(value, fc.dictionary(key, value, { maxKeys: 6 })), { maxKeys: 3 }),
    networks: value,
    volumes: value,
  },
  { requiredKeys: [] },
);

describe('properties', () => {
  it('random compose-shaped documents: a project or a ComposeError, nothing else', () => {
    fc.assert(
      fc.property(composeish, (doc) => {
        tryLoad(yaml.dump(doc, { skipInvalid: true }));
      }),
      { numRuns: 300 },
    );
  });

  it('mutated real files (fixtures): a project or a ComposeError, nothing else', () => {
    const root = resolve(__dirname, '../fixtures/conformance');
    const texts = readdirSync(root).map((d) => {
      try {
        return readFileSync(join(root, d, 'docker-compose.yml'), 'utf8');
      } catch {
        return '';
      }
    }).filter(Boolean);
    const mutation = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom('', ':', '-', ' ', '\n', '{', '[', '"', '&a', '*a', '<<', '$', '\t', '#'));
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, muts) => {
        let t = text;
        for (const [at, len, ins] of muts) {
          const i = at % (t.length + 1);
          t = t.slice(0, i) + ins + t.slice(i + (len % 4));
        }
        tryLoad(t);
      }),
      { numRuns: 300 },
    );
  });

  it('text that is not YAML: a ComposeError naming file:line:column inside the text', () => {
    let broken = 0;
    const breaker = fc.constantFrom('{', '[', '"open', "'open", '\t', ': :', '- a\n b: [', '&a &b x', '*nope', '? [');
    fc.assert(
      fc.property(fc.constantFrom(...fixtureTexts()), fc.nat(), breaker, (text, at, ins) => {
        const lines = text.split('\n');
        const i = at % lines.length;
        lines[i] = `${lines[i]}${ins}`;
        const t = lines.join('\n');
        let notYaml = false;
        try {
          yaml.load(t);
        } catch {
          notYaml = true;
        }
        if (!notYaml) return;
        broken++;
        const r = tryLoad(t);
        expect(r).toBeInstanceOf(ComposeError);
        const p = (r as ComposeError).problems[0];
        expect(p.file).toMatch(/compose\.yml$/);
        expect(p.line).toBeGreaterThanOrEqual(1);
        expect(p.line).toBeLessThanOrEqual(lines.length + 1);
        expect(p.column).toBeGreaterThanOrEqual(1);
        expect((r as Error).message).toMatch(/compose\.yml:\d+:\d+: /);
      }),
      { numRuns: 300 },
    );
    // Most insertions do break the YAML: the property was checked, not skipped.
    expect(broken).toBeGreaterThan(100);
  });

  const name = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
  const port = fc.oneof(
    fc.integer({ min: 1, max: 65535 }).map(String),
    fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 })).map(([a, b]) => `${a}:${b}`),
    fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.constantFrom('tcp', 'udp')).map(([a, p]) => ({ target: a, protocol: p, mode: 'host' })),
  );
  const service = fc.record(
    {
      image: fc.constantFrom('busybox', 'nginx:1.25', 'registry.local:5000/x/y@sha256:abc'),
      command: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), fc.constantFrom('echo "a b" c', "sh -c 'x y'")),
      environment: fc.dictionary(fc.stringMatching(/^[A-Z_]{1,6}$/), fc.oneof(fc.string({ maxLength: 8 }), fc.integer().map(String))),
      labels: fc.dictionary(fc.stringMatching(/^[a-z.]{1,8}$/), fc.string({ maxLength: 8 })),
      ports: fc.uniqueArray(port, { maxLength: 3, selector: (p) => JSON.stringify(p) }),
      volumes: fc.uniqueArray(fc.constantFrom('data:/data', './rel:/rel:ro', '/anon', '/abs:/abs2', { type: 'tmpfs', target: '/t' }), { maxLength: 3, selector: (v) => JSON.stringify(v) }),
      healthcheck: fc.record({ test: fc.constantFrom('true', ['CMD', 'true']), interval: fc.constantFrom('5s', '1m30s', '250ms'), retries: fc.nat(5) }),
      deploy: fc.record(
        {
          replicas: fc.nat(5),
          resources: fc.record({ limits: fc.record({ cpus: fc.constantFrom('0.5', '2'), memory: fc.constantFrom('64M', '1g') }) }),
          restart_policy: fc.record({ condition: fc.constantFrom('any', 'none', 'on-failure'), delay: fc.constantFrom('5s', '1m') }, { requiredKeys: ['condition'] }),
          placement: fc.record({ constraints: fc.array(fc.constantFrom('node.role == worker', 'node.labels.a == b'), { maxLength: 2 }) }),
          update_config: fc.record({ parallelism: fc.nat(3), delay: fc.constantFrom('10s'), order: fc.constantFrom('start-first', 'stop-first') }),
        },
        { requiredKeys: [] },
      ),
      stop_grace_period: fc.constantFrom('10s', '1m'),
      restart: fc.constantFrom('no', 'always', 'on-failure:3', 'unless-stopped'),
      user: fc.constantFrom('1000', 'nobody'),
    },
    { requiredKeys: ['image'] },
  );

  it.each(
    (() => {
      const roots = [resolve(__dirname, '../fixtures'), resolve(__dirname, '../../../../shared/compose-corpus')];
      const walk = (d: string): string[] =>
        readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : /\.ya?ml$/.test(e.name) && !e.name.includes('override') ? [join(d, e.name)] : []));
      return roots.flatMap((r) => { try { return walk(r); } catch { return []; } });
    })(),
  )('round trip of %s: config output loads back to the same model', (f) => {
    let first: ComposeProject;
    try {
      first = loadProject({ files: [f], env: {}, projectName: 'rt' });
    } catch (e) {
      if (e instanceof ComposeError) return;
      throw e;
    }
    for (const format of ['yaml', 'json'] as const) {
      writeFileSync(file, renderConfig(first, format));
      const second = loadProject({ workingDir: dir, files: ['compose.yml'], env: {}, projectName: 'rt' });
      expect(second.services).toEqual(first.services);
      expect(second.networks).toEqual(first.networks);
      expect(second.volumes).toEqual(first.volumes);
      expect(second.secrets).toEqual(first.secrets);
      expect(second.configs).toEqual(first.configs);
    }
  });

  it('round trip: config output (yaml and json) loads back to the same model', () => {
    fc.assert(
      fc.property(fc.dictionary(name, service, { minKeys: 1, maxKeys: 3 }), fc.constantFrom<'yaml' | 'json'>('yaml', 'json'), (services, format) => {
        // `$` in generated text is meant literally: written as `$$`.
        const esc = (v: unknown): unknown =>
          typeof v === 'string' ? v.replace(/\$/g, '$$$$') : Array.isArray(v) ? v.map(esc) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, esc(x)])) : v;
        const doc = { services: esc(services), volumes: { data: {} } };
        // Written as PyYAML would: js-yaml leaves plain what YAML 1.1 reads as a number (`0_` is octal 0).
        const input = pyyamlDump(doc as PyValue, { escapeDollar: false });
        const first = tryLoad(input);
        if (first instanceof ComposeError) throw new Error(`generated project did not load: ${first.message}\n${input}`);
        const text = renderConfig(first, format);
        const second = tryLoad(text);
        if (second instanceof ComposeError) throw new Error(`config output did not load: ${second.message}\n${text}`);
        expect(second.services).toEqual(first.services);
        expect(second.networks).toEqual(first.networks);
        expect(second.volumes).toEqual(first.volumes);
      }),
      { numRuns: 150 },
    );
  });
});

/** The conformance fixtures' compose files, as text. */
function fixtureTexts(): string[] {
  const root = resolve(__dirname, '../fixtures/conformance');
  return readdirSync(root)
    .map((d) => {
      try {
        return readFileSync(join(root, d, 'docker-compose.yml'), 'utf8');
      } catch {
        return '';
      }
    })
    .filter(Boolean);
}
