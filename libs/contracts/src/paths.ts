/**
 * Where a node keeps its state by default: $XDG_STATE_HOME/flotilla, else
 * ~/.local/state/flotilla. Plain string logic so every app agrees on it.
 */
export function defaultStateDir(env: Record<string, string | undefined>, home: string): string {
  const base = env.XDG_STATE_HOME || `${home}/.local/state`;
  return `${base}/flotilla`;
}
