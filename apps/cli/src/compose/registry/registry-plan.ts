import type { ComposeProject } from '@flotilla/compose';

/** An image reference split as docker-compose 1.29 splits it (`parse_repository_tag`): a digest wins over a tag. */
export function repositoryTag(ref: string): { repo: string; tag: string; sep: ':' | '@' } {
  const at = ref.lastIndexOf('@');
  if (at >= 0) return { repo: ref.slice(0, at), tag: ref.slice(at + 1), sep: '@' };
  const colon = ref.lastIndexOf(':');
  // A colon before the last slash belongs to a registry port (`localhost:5000/app`), not a tag.
  if (colon >= 0 && !ref.slice(colon + 1).includes('/')) return { repo: ref.slice(0, colon), tag: ref.slice(colon + 1), sep: ':' };
  return { repo: ref, tag: '', sep: ':' };
}

export interface PushTarget {
  service: string;
  repo: string;
  tag: string;
}

/**
 * What `compose push` pushes: services that both build and name their image,
 * each image once (`app` and `app:latest` are one), in the project's order.
 */
export function pushTargets(project: ComposeProject, selected: readonly string[]): PushTarget[] {
  const seen = new Set<string>();
  const out: PushTarget[] = [];
  for (const name of selectedServices(project, selected)) {
    const s = project.services[name];
    if (!s.image || !s.build) continue;
    const { repo, tag } = repositoryTag(s.image);
    const key = `${repo}:${tag || 'latest'}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ service: name, repo, tag: tag || 'latest' });
  }
  return out;
}

export interface PullTarget {
  service: string;
  /** Absent for a service without `image:` (1.29 lists it, and it is done at once). */
  image?: { repo: string; tag: string };
  /** A failure to find it is a hint to build, not an error. */
  canBuild: boolean;
}

/** What `compose pull` pulls: every selected service, in the project's order. */
export function pullTargets(project: ComposeProject, selected: readonly string[]): PullTarget[] {
  return selectedServices(project, selected).map((name) => {
    const s = project.services[name];
    if (!s.image) return { service: name, canBuild: !!s.build };
    const { repo, tag } = repositoryTag(s.image);
    return { service: name, image: { repo, tag: tag || 'latest' }, canBuild: !!s.build };
  });
}

function selectedServices(project: ComposeProject, selected: readonly string[]): string[] {
  const names = Object.keys(project.services);
  return selected.length ? names.filter((n) => selected.includes(n)) : names;
}

/** One event of the engine's push/pull stream (JSON lines). */
export interface ProgressEvent {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  stream?: string;
  time?: number;
  from?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * The text 1.29's `stream_output` prints for an event when stdout is not a
 * terminal: progress events print nothing, others their status line; an error
 * event ends the stream with its message.
 */
export function streamOutputText(e: ProgressEvent): { text?: string; error?: string } {
  if (e.errorDetail) return { error: e.errorDetail.message ?? e.error ?? '' };
  if (e.progress !== undefined || e.progressDetail !== undefined) return {};
  let text = '';
  if (e.time !== undefined) text += `[${e.time}] `;
  if (e.id !== undefined) text += `${e.id}: `;
  if (e.from !== undefined) text += `(from ${e.from}) `;
  text += e.stream !== undefined ? e.stream : `${e.status ?? ''}\n`;
  return { text };
}

/** A pull event as 1.29's parallel writer shows it: lower case, a percentage, cut at 35 characters. */
export function pullStatus(e: ProgressEvent): string | undefined {
  if (e.status === undefined) return undefined;
  let s = e.status.toLowerCase();
  const d = e.progressDetail;
  if (d && d.current !== undefined && d.total) s = `${s} (${((d.current / d.total) * 100).toFixed(1)}%)`;
  return s.length > 35 ? `${s.slice(0, 33)}...` : s;
}

/** `Pulling web   ... done`, names padded to the longest, as 1.29 writes them when not on a terminal. */
export function pullLine(width: number, service: string, status: string): string {
  return `Pulling ${service.padEnd(width)} ... ${status}\r\n`;
}
