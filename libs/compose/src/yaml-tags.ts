import yaml from 'js-yaml';

/**
 * The Compose Specification's merge tags: `!reset` removes what a base (an
 * earlier -f file, or an `extends` base) set for a key; `!override` replaces it
 * whole instead of merging. Outside a merge, `!reset` drops the key and
 * `!override` is its plain value.
 */
export class ResetTag {}

export class OverrideTag {
  constructor(readonly value: unknown) {}
}

const reset = (kind: 'scalar' | 'sequence' | 'mapping') =>
  new yaml.Type('!reset', { kind, resolve: () => true, construct: () => new ResetTag(), instanceOf: ResetTag });
const override = (kind: 'scalar' | 'sequence' | 'mapping') =>
  new yaml.Type('!override', { kind, construct: (v: unknown) => new OverrideTag(v ?? null), instanceOf: OverrideTag });

export const MERGE_TAGS = [reset('scalar'), reset('sequence'), reset('mapping'), override('scalar'), override('sequence'), override('mapping')];

/** `v` without merge tags: `!reset` entries dropped, `!override` unwrapped, at any depth. */
export function stripTags(v: unknown): unknown {
  if (v instanceof OverrideTag) return stripTags(v.value);
  if (Array.isArray(v)) return v.filter((x) => !(x instanceof ResetTag)).map(stripTags);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!(x instanceof ResetTag)) out[k] = stripTags(x);
    return out;
  }
  return v;
}

export const hasTags = (v: unknown): boolean =>
  v instanceof ResetTag || v instanceof OverrideTag || (Array.isArray(v) ? v.some(hasTags) : !!v && typeof v === 'object' && Object.values(v).some(hasTags));
