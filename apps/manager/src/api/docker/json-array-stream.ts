import type { Response } from 'express';

/** Items serialised in one turn of the event loop: 500 tasks are ~250 KB of JSON, 1-2 ms. */
const ITEMS_PER_TURN = 500;

/**
 * Answers 200 with `items` as one JSON array, the bytes JSON.stringify(items) would give. A long
 * list goes out `perTurn` items at a time, with a turn of the event loop between two parts (and the
 * socket's drain when it is full): GET /tasks of a 100k-task service made one ~50 MB string and
 * held the leader's loop ~450 ms, Raft's heartbeats and every node call behind it. The items are
 * read as they were when called (store objects are replaced, never changed), so the answer is one
 * consistent list even while the store moves on. A client that hangs up stops the rest.
 */
export async function sendJsonArray(res: Response, items: readonly unknown[], perTurn = ITEMS_PER_TURN): Promise<void> {
  res.status(200).setHeader('content-type', 'application/json; charset=utf-8');
  if (items.length <= perTurn) {
    res.send(JSON.stringify(items));
    return;
  }
  for (let i = 0; i < items.length; i += perTurn) {
    if (res.destroyed) return;
    const part = new Array<string>(Math.min(perTurn, items.length - i));
    for (let j = 0; j < part.length; j++) part[j] = JSON.stringify(items[i + j]) ?? 'null';
    // A part above the socket's high-water mark always reads as full, and when the kernel took it at
    // once its drain comes on the next tick: the next turn is awaited either way.
    if (!res.write((i === 0 ? '[' : ',') + part.join(','))) await drained(res);
    await nextTurn();
  }
  if (!res.destroyed) res.end(']');
}

function nextTurn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** The socket took what was written, or the client went away. */
function drained(res: Response): Promise<void> {
  return new Promise((r) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      r();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
