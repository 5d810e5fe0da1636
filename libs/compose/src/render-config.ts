import yaml from 'js-yaml';
import type { ComposeProject, ServiceDef } from './model';

/** `compose config`: the normalised project in the Compose Specification's shape. */
export function renderConfig(project: ComposeProject, format: 'yaml' | 'json'): string {
  const doc: Record<string, unknown> = { name: project.name, services: {} as Record<string, unknown> };
  for (const [name, s] of Object.entries(project.services).sort(([a], [b]) => (a < b ? -1 : 1))) {
    (doc.services as Record<string, unknown>)[name] = serviceDoc(s);
  }
  if (Object.keys(project.networks).length) doc.networks = project.networks;
  if (Object.keys(project.volumes).length) doc.volumes = project.volumes;
  if (Object.keys(project.secrets).length) doc.secrets = project.secrets;
  if (Object.keys(project.configs).length) doc.configs = project.configs;
  return format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : yaml.dump(doc, { noRefs: true, lineWidth: -1 });
}

function serviceDoc(s: ServiceDef): Record<string, unknown> {
  const { name: _name, environment, labels, ports, expose, volumes, networks, depends_on, ...rest } = s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) out[k] = v;
  if (Object.keys(environment).length) out.environment = environment;
  if (Object.keys(labels).length) out.labels = labels;
  if (ports.length) out.ports = ports;
  if (expose.length) out.expose = expose;
  if (volumes.length) out.volumes = volumes;
  if (Object.keys(networks).length) out.networks = networks;
  if (Object.keys(depends_on).length) out.depends_on = depends_on;
  return out;
}
