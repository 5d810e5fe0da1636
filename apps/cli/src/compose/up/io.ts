/** Where the attached `up` writes and how it hears Ctrl+C: the process in the CLI, a recorder in tests. */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Subscribes to Ctrl+C; returns the unsubscribe. */
  onInterrupt: (h: () => void) => () => void;
}

export function processIo(): Io {
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    onInterrupt: (h) => {
      process.on('SIGINT', h);
      return () => void process.off('SIGINT', h);
    },
  };
}
