import { serviceNames, toStack, type ComposeProject } from '@flotilla/compose';
import { CliError } from '../../errors';
import { hashTargets, specHash } from './config-hash';

/** `SERVICE HASH` lines for `config --hash`, in the file's service order. */
export function serviceHashes(project: ComposeProject, arg: string): string[] {
  const all = serviceNames(project);
  const { names, unknown } = hashTargets(arg, all);
  if (unknown !== undefined) throw new CliError(`No such service: ${unknown}`);
  const specs = new Map(toStack(project, {}).services.map((s) => [s.Labels?.['com.docker.compose.service'] ?? s.Name, s]));
  return all.filter((n) => names.includes(n) && specs.has(n)).map((n) => `${n} ${specHash(specs.get(n)!)}`);
}
