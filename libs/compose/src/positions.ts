/**
 * Where each key and item of a YAML document starts, recorded while js-yaml
 * parses (its `listener` option), so any problem found later on a path like
 * services.web.ports.0 can name its line and column.
 */
export type Path = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/** A node of the position tree: its own offset, and its children by key or index. */
interface PosNode {
  at: number;
  keys?: Map<string, { key: number; value: PosNode }>;
  items?: PosNode[];
}

interface Frame {
  at: number;
  children: { node: PosNode; result: unknown }[];
}

/** Records js-yaml's open/close events into a tree of offsets. */
export class PositionRecorder {
  private readonly stack: Frame[] = [];
  private root: PosNode | undefined;
  /** Keys that were not strings in the source (numbers, booleans, null...), as [path-ish offset, value]. */
  readonly nonStringKeys: { at: number; key: unknown }[] = [];

  constructor(private readonly text: string) {}

  readonly listener = (event: 'open' | 'close', state: { position: number; kind: string | null; result: unknown }) => {
    if (event === 'open') {
      this.stack.push({ at: state.position, children: [] });
      return;
    }
    const frame = this.stack.pop();
    if (!frame) return;
    const node: PosNode = { at: this.skipBlank(frame.at) };
    if (state.kind === 'mapping') {
      node.keys = new Map();
      const c = frame.children;
      for (let i = 0; i + 1 < c.length; i += 2) {
        const k = c[i].result;
        if (typeof k !== 'string') this.nonStringKeys.push({ at: c[i].node.at, key: k });
        node.keys.set(String(k), { key: c[i].node.at, value: c[i + 1].node });
      }
    } else if (state.kind === 'sequence') {
      node.items = frame.children.map((x) => x.node);
    }
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push({ node, result: state.result });
    else this.root = node;
  };

  index(): PositionIndex {
    return new PositionIndex(this.text, this.root);
  }

  private skipBlank(at: number): number {
    const t = this.text;
    for (;;) {
      const c = t[at];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || (c === '-' && /\s/.test(t[at + 1] ?? ' '))) at++;
      else if (c === '#') while (at < t.length && t[at] !== '\n') at++;
      else return at;
    }
  }
}

export class PositionIndex {
  private lineStarts: number[] | undefined;

  constructor(
    private readonly text: string,
    private readonly root: PosNode | undefined,
  ) {}

  /** The position of the deepest known prefix of `path` (the key itself for mapping entries). */
  locate(path: Path): Position | undefined {
    return this.locateDepth(path)?.pos;
  }

  /** Like locate, also saying how many elements of `path` were found. */
  locateDepth(path: Path): { pos: Position; depth: number } | undefined {
    let node = this.root;
    let at: number | undefined;
    let depth = 0;
    for (const k of path) {
      if (!node) break;
      if (node.keys) {
        const e = node.keys.get(String(k));
        if (!e) break;
        at = e.key;
        node = e.value;
      } else if (node.items && typeof k === 'number' && node.items[k]) {
        node = node.items[k];
        at = node.at;
      } else break;
      depth++;
    }
    return at === undefined ? undefined : { pos: this.offsetToPosition(at), depth };
  }

  offsetToPosition(offset: number): Position {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = 0; i < this.text.length; i++) if (this.text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
    const ls = this.lineStarts;
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - ls[lo] + 1 };
  }
}
