import { describe, expect, it } from 'vitest';
import { contextFilter } from './context-filter';

describe('contextFilter: Docker .dockerignore rules', () => {
  const rules = '# comment\nsecret.txt\n*.log\n!keep.log\nnode_modules\n**/*.tmp\n/abs\n';
  const keep = contextFilter(rules, 'Dockerfile');
  it.each([
    ['app.js', false, true],
    ['secret.txt', false, false],
    ['sub/secret.txt', false, true], // patterns are anchored at the context root, unlike .gitignore
    ['x.log', false, false],
    ['keep.log', false, true],
    ['node_modules', true, true], // walked into only because an exception exists somewhere
    ['node_modules/a.js', false, false],
    ['deep/er/x.tmp', false, false],
    ['abs', false, false],
    ['Dockerfile', false, true],
    ['.dockerignore', false, true],
  ])('%s (dir=%s) -> sent=%s', (rel, isDir, sent) => {
    expect(keep(rel, isDir)).toBe(sent);
  });

  it('prunes an excluded directory when no exception could bring a file back', () => {
    const k = contextFilter('node_modules\n', 'Dockerfile');
    expect(k('node_modules', true)).toBe(false);
  });

  it('always sends the Dockerfile and .dockerignore, even when ignored', () => {
    const k = contextFilter('*\n', 'docker/Dockerfile.prod');
    expect(k('docker/Dockerfile.prod', false)).toBe(true);
    expect(k('.dockerignore', false)).toBe(true);
    expect(k('other', false)).toBe(false);
    expect(k('docker', true)).toBe(true);
    expect(k('docker/other', false)).toBe(false);
  });

  it('sends everything without a .dockerignore', () => {
    expect(contextFilter('', 'Dockerfile')('anything/at/all', false)).toBe(true);
  });
});
