/** `compose config` output as golden files (fixtures/golden/config): YAML and JSON. Set UPDATE_GOLDEN=1 to rewrite them. */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadProject } from './load';
import { renderConfig } from './render-config';

const DIR = resolve(__dirname, '../fixtures/golden/config');

describe('renderConfig golden files', () => {
  const project = loadProject({ files: [resolve(DIR, 'compose.yml')], env: {}, projectName: 'golden' });
  it.each([
    ['yaml', 'expected.yaml'],
    ['json', 'expected.json'],
  ] as const)('%s', (format, name) => {
    const got = renderConfig(project, format);
    const file = resolve(DIR, name);
    if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, got);
    expect(got).toBe(readFileSync(file, 'utf8'));
  });
});
