/** One JSON message of the Engine API's /build stream. */
export interface BuildEvent {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/**
 * What docker-compose 1.29 prints for a build event when piped (progress_stream.py): `stream`
 * text as is, status lines with their id; an error ends the build with its message.
 */
export function renderBuildEvent(e: BuildEvent): { text?: string; error?: string } {
  if (e.errorDetail || e.error) return { error: e.errorDetail?.message ?? e.error ?? 'Unknown' };
  if (e.stream !== undefined) return { text: e.stream };
  if (e.status !== undefined) {
    const id = e.id ? `${e.id}: ` : '';
    return { text: `${id}${e.status}${e.progress ? ` ${e.progress}` : ''}\n` };
  }
  return {};
}
