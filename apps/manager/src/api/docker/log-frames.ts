import type { Task } from '@flotilla/contracts';

/**
 * Docker's log stream for a container without a TTY: each line is one frame,
 * an 8-byte header (stream 1 = stdout, 2 = stderr; three zero bytes; length
 * as a big-endian uint32) then the payload. With a TTY it is the raw bytes.
 */
export function frame(stream: 'stdout' | 'stderr', payload: string, tty: boolean): Buffer {
  const body = Buffer.from(payload, 'utf8');
  if (tty) return body;
  const head = Buffer.alloc(8);
  head[0] = stream === 'stdout' ? 1 : 2;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
}

/**
 * One log line as `docker service logs` parses it: [timestamp ]details message,
 * details being the comma-separated, url-encoded swarm context the CLI turns
 * into `web.1.abc@host`. `line` comes from the node with its timestamp first
 * when asked for one.
 */
export function logLine(task: Task, line: string, opts: { details: boolean; timestamps: boolean }): string {
  let ts = '';
  let msg = line;
  if (opts.timestamps) {
    const i = line.indexOf(' ');
    ts = i < 0 ? `${line} ` : line.slice(0, i + 1);
    msg = i < 0 ? '' : line.slice(i + 1);
  }
  if (!opts.details) return `${ts}${msg}\n`;
  const details = [
    ['com.docker.swarm.node.id', task.NodeID ?? ''],
    ['com.docker.swarm.service.id', task.ServiceID],
    ['com.docker.swarm.task.id', task.ID],
  ]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join(',');
  return `${ts}${details} ${msg}\n`;
}
