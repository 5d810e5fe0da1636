/** One HTTP GET on loopback with a short timeout; returns the body or throws. */
export async function httpGet(url: string, timeoutMs = 3000): Promise<{ status: number; body: string }> {
  const r = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: r.status, body: await r.text() };
}
