/**
 * What `POST /images/load` answered: a stream of JSON lines, `{"stream": "Loaded image: …"}`
 * on success, `{"error": …, "errorDetail": …}` when the archive is bad (a 200 all the same).
 * Returns the engine's error, or undefined when the load went through.
 */
export function loadError(output: string): string | undefined {
  let loaded = false;
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    let msg: { error?: string; errorDetail?: { message?: string }; stream?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      continue; // not JSON: the engine's plain progress text
    }
    if (msg.error || msg.errorDetail) return (msg.errorDetail?.message ?? msg.error ?? '').trim() || 'image load failed';
    if (msg.stream?.startsWith('Loaded image')) loaded = true;
  }
  return loaded ? undefined : 'image load failed: the engine loaded no image from the archive';
}
