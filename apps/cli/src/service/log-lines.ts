/**
 * Docker's log frames (8-byte header: stream, 3 zero bytes, big-endian
 * length) back into lines; raw bytes when the service has a TTY. Pure: bytes in, lines out.
 */
export class FrameReader {
  private buf = Buffer.alloc(0);

  constructor(private readonly tty: boolean) {}

  push(chunk: Uint8Array): { stream: 'stdout' | 'stderr'; text: string }[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: { stream: 'stdout' | 'stderr'; text: string }[] = [];
    if (this.tty) {
      const nl = this.buf.lastIndexOf(10);
      if (nl < 0) return out;
      for (const line of this.buf.subarray(0, nl).toString('utf8').split('\n')) out.push({ stream: 'stdout', text: line });
      this.buf = this.buf.subarray(nl + 1);
      return out;
    }
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + len) break;
      const stream = this.buf[0] === 2 ? 'stderr' : 'stdout';
      out.push({ stream, text: this.buf.subarray(8, 8 + len).toString('utf8').replace(/\n$/, '') });
      this.buf = this.buf.subarray(8 + len);
    }
    return out;
  }
}

export interface TaskLabel {
  name: string;
  slot?: number;
  id: string;
  node: string;
}

/**
 * One line as `docker service logs` prints it: `web.1.abcdefghijkl@host    | msg`,
 * the details (task and node ids) read from the line's url-encoded prefix.
 * `ts` lines start with their timestamp, which docker prints first.
 */
export function formatLogLine(raw: string, label: (taskId: string) => TaskLabel | undefined, opts: { timestamps: boolean; noTrunc: boolean }): string {
  let ts = '';
  let rest = raw;
  if (opts.timestamps) {
    const i = rest.indexOf(' ');
    ts = i < 0 ? rest : rest.slice(0, i);
    rest = i < 0 ? '' : rest.slice(i + 1);
  }
  const sp = rest.indexOf(' ');
  const details = new URLSearchParams((sp < 0 ? rest : rest.slice(0, sp)).replace(/,/g, '&'));
  const msg = sp < 0 ? '' : rest.slice(sp + 1);
  const taskId = details.get('com.docker.swarm.task.id') ?? '';
  const t = label(taskId);
  const id = opts.noTrunc ? taskId : taskId.slice(0, 12);
  const who = t ? `${t.name}${t.slot ? `.${t.slot}` : ''}.${id}@${t.node}` : `${id}`;
  return `${ts ? `${ts} ` : ''}${who}    | ${msg}`;
}
