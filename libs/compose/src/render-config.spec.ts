import { describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { renderConfig } from './render-config';
import { profileNames, serviceNames, volumeNames } from './project-queries';
import { load } from './test-helpers';

const project = load({
  'compose.yml': [
    'services:',
    '  web:',
    '    image: nginx',
    '    command: echo "$$HOME and $${X}"',
    '    ports: ["8080:80"]',
    '    volumes: [data:/data, ./site:/site:ro]',
    '    healthcheck: {test: curl -f localhost, interval: 90s}',
    '    stop_grace_period: 1m30s',
    '    deploy: {replicas: 2, resources: {limits: {memory: 64M}}}',
    '  db:',
    '    image: postgres',
    '    profiles: [db]',
    'volumes:',
    '  data: {}',
    '',
  ].join('\n'),
});

describe('renderConfig', () => {
  it('prints a host range onto one port in the short form, the only one that carries it (and loads back)', () => {
    const ranged = load({ 'compose.yml': 'services:\n  web:\n    image: i\n    ports: ["18000-18001:80", "[::1]:19000-19001:53/udp", "8080:80"]\n' });
    const doc = yaml.load(renderConfig(ranged, 'yaml')) as { services: Record<string, { ports: unknown[] }> };
    expect(doc.services.web.ports).toEqual(['18000-18001:80/tcp', '[::1]:19000-19001:53/udp', { mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }]);
  });

  it('prints the Compose Specification shape (long syntax, durations, $ escaped)', () => {
    const doc = yaml.load(renderConfig(project, 'yaml')) as { name?: string; services: Record<string, Record<string, unknown>>; networks: unknown; volumes: unknown };
    expect(doc.name).toBeUndefined(); // 1.29 prints no project name (and refuses one on input)
    const web = doc.services.web;
    expect(web.command).toEqual(['echo', '$$HOME and $${X}']);
    expect(web.ports).toEqual([{ mode: 'ingress', target: 80, published: '8080', protocol: 'tcp' }]);
    expect(web.volumes).toEqual([
      { type: 'volume', source: 'data', target: '/data' },
      { type: 'bind', source: `${project.workingDir}/site`, target: '/site', read_only: true },
    ]);
    expect(web.healthcheck).toEqual({ test: ['CMD-SHELL', 'curl -f localhost'], interval: '1m30s' });
    expect(web.stop_grace_period).toBe('1m30s');
    expect(web.networks).toEqual({ default: null });
    expect(doc.networks).toEqual({ default: { name: 'proj_default' } });
    expect(doc.volumes).toEqual({ data: { name: 'proj_data' } });
  });

  it('json is the same document', () => {
    expect(JSON.parse(renderConfig(project, 'json'))).toEqual(yaml.load(renderConfig(project, 'yaml')));
  });

  it('helpers for --services, --volumes, --profiles', () => {
    expect(serviceNames(project)).toEqual(['web']);
    expect(volumeNames(project)).toEqual(['data']);
    expect(profileNames(project)).toEqual(['db']);
  });
});
