import { serviceImage, type ComposeProject } from '@flotilla/compose';
import { CliError } from '../../errors';

export type RmiType = 'none' | 'local' | 'all';

export function parseRmi(v: string | undefined): RmiType {
  if (v === undefined) return 'none';
  if (v === 'local' || v === 'all') return v;
  throw new CliError('--rmi flag must be one of: all, local');
}

/**
 * The images `down --rmi` removes, one per service in the project's order (1.29's remove_image):
 * `all` every service's image, `local` only those without an `image:` of their own (the built
 * `<project>_<service>`). A name shared by two services comes twice: the second attempt finds
 * nothing, and 1.29 warns then.
 */
export function imagesToRemove(project: ComposeProject, type: RmiType): string[] {
  if (type === 'none') return [];
  return Object.values(project.services)
    .filter((s) => type === 'all' || s.image === undefined)
    .map((s) => serviceImage(project.name.replace(/^[_-]+/, ''), s));
}
