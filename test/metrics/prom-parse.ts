import { execFile } from 'node:child_process';

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface ParsedFamily {
  name: string;
  type: string;
  samples: ParsedSample[];
}

/** The reference parser: the official Prometheus Python client (Debian's python3-prometheus-client), not ours. */
const PARSER = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = [{"name": f.name, "type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]}
       for f in text_string_to_metric_families(sys.stdin.read())]
json.dump(out, sys.stdout)
`;

/** Parses a /metrics body; rejects with the parser's error when the text is not valid exposition format. */
export function parseExposition(text: string): Promise<ParsedFamily[]> {
  return new Promise((resolve, reject) => {
    // The system python: the Debian package installs the client there.
    const child = execFile('/usr/bin/python3', ['-c', PARSER], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`prometheus_client could not parse /metrics: ${stderr || err.message}`));
      else resolve(JSON.parse(stdout) as ParsedFamily[]);
    });
    child.stdin!.end(text);
  });
}

/** Samples of one series name whose labels include `match`. */
export function samples(families: ParsedFamily[], name: string, match: Record<string, string> = {}): ParsedSample[] {
  return families.flatMap((f) => f.samples).filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** Non-zero values of a gauge by one label, as a plain object (what the Docker reference fixture records). */
export function nonZeroBy(families: ParsedFamily[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples(families, name)) if (s.value) out[s.labels[label]] = (out[s.labels[label]] ?? 0) + s.value;
  return out;
}
