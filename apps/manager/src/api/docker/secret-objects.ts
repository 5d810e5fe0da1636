import { FlotillaError, type Secret, type SecretSpec, type Service } from '@flotilla/contracts';
import { del, newId, put, type StateStore } from '@flotilla/state';
import type { Clock } from '../../tokens';
import { labelsMatch, anyOf, parseFilters } from './filters';
import { lookup } from './lookup';
import { parseBody, secretSpecSchema } from '../schemas';

export type SecretKind = 'secret' | 'config';

const FILTERS = ['id', 'label', 'name', 'names'] as const;
const NAME_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9_.-]{0,62}[a-zA-Z0-9])?$/;
/** swarmkit's limit for secret and config payloads. */
const MAX_DATA = 500 * 1024;

/**
 * Secrets and configs are the same object to the store (name, labels, base64
 * data); they differ in what is served back (a secret's Data never is) and in
 * the words of their errors. One class, parameterised by kind.
 */
export class SecretObjects {
  constructor(
    private readonly kind: SecretKind,
    private readonly store: StateStore,
    private readonly clock: Clock,
  ) {}

  list(raw: string | undefined) {
    const f = parseFilters(raw, FILTERS);
    return [...this.all().values()]
      .filter(
        (o) =>
          anyOf(f.get('id'), (v) => o.ID.startsWith(v)) &&
          anyOf(f.get('name'), (v) => o.Spec.Name.startsWith(v)) &&
          anyOf(f.get('names'), (v) => o.Spec.Name === v) &&
          labelsMatch(o.Spec.Labels, f.get('label')),
      )
      .map((o) => this.shown(o));
  }

  inspect(ref: string) {
    return this.shown(this.find(ref));
  }

  async create(spec: SecretSpec): Promise<{ ID: string }> {
    this.validate(spec);
    const at = new Date(this.clock.now()).toISOString();
    const obj: Secret = { ID: newId(), Version: { Index: 0 }, CreatedAt: at, UpdatedAt: at, Spec: { Name: spec.Name, Labels: spec.Labels ?? {}, Data: spec.Data ?? '' } };
    if (this.store.view().idByName(this.kind, spec.Name)) throw this.exists(spec.Name);
    try {
      await this.store.propose({ ops: [put(this.kind, obj, null)] });
    } catch (e) {
      // A create racing this one won the name: Docker's words, not the store's.
      if (e instanceof FlotillaError && e.code === 'conflict') throw this.exists(spec.Name);
      throw e;
    }
    return { ID: obj.ID };
  }

  /** Docker lets only the labels of a secret or config change. */
  async update(ref: string, version: number, spec: SecretSpec): Promise<void> {
    const cur = this.find(ref);
    if (!Number.isSafeInteger(version)) throw new FlotillaError('invalid_argument', 'invalid version');
    if (!spec || typeof spec !== 'object') throw new FlotillaError('invalid_argument', 'unexpected EOF');
    parseBody(secretSpecSchema, spec);
    const dataChanged = spec.Data !== undefined && spec.Data !== '' && spec.Data !== cur.Spec.Data;
    if (spec.Name !== cur.Spec.Name || dataChanged) {
      throw new FlotillaError('invalid_argument', `rpc error: code = InvalidArgument desc = only updates to Labels are allowed`);
    }
    checkLabels(spec.Labels);
    const at = new Date(this.clock.now()).toISOString();
    await this.store.propose({ ops: [put(this.kind, { ...cur, UpdatedAt: at, Spec: { ...cur.Spec, Labels: spec.Labels ?? {} } }, version)] });
  }

  async remove(ref: string): Promise<void> {
    const o = this.find(ref);
    const users = [...this.store.view().services.values()].filter((s) => this.referencedBy(s, o.ID)).map((s) => s.Spec.Name);
    if (users.length) {
      const which = users.length === 1 ? 'service' : 'services';
      throw new FlotillaError('invalid_argument', `rpc error: code = InvalidArgument desc = ${this.kind} '${o.Spec.Name}' is in use by the following ${which}: ${users.join(', ')}`);
    }
    // expectIndex: a label update in between makes this fail rather than delete what the caller did not see.
    await this.store.propose({ ops: [del(this.kind, o.ID, o.Version.Index)] });
  }

  referencedBy(s: Service, id: string): boolean {
    const cs = s.Spec.TaskTemplate.ContainerSpec;
    return this.kind === 'secret' ? (cs.Secrets ?? []).some((r) => r.SecretID === id) : (cs.Configs ?? []).some((r) => r.ConfigID === id);
  }

  private all() {
    const view = this.store.view();
    return this.kind === 'secret' ? view.secrets : view.configs;
  }

  private find(ref: string): Secret {
    const m = this.all();
    return lookup(this.kind, ref, m.values(), (x) => m.get(x), (o) => o.Spec.Name);
  }

  /** A secret's data never leaves the manager through this API; a config's does. */
  private shown(o: Secret): Secret {
    if (this.kind === 'config') return o;
    const { Data: _hidden, ...spec } = o.Spec;
    return { ...o, Spec: spec };
  }

  private exists(name: string) {
    return new FlotillaError('conflict', `rpc error: code = AlreadyExists desc = ${this.kind} ${name} already exists`);
  }

  private validate(spec: SecretSpec) {
    const bad = (m: string) => new FlotillaError('invalid_argument', `rpc error: code = InvalidArgument desc = ${m}`);
    if (!spec || typeof spec !== 'object') throw new FlotillaError('invalid_argument', 'unexpected EOF');
    parseBody(secretSpecSchema, spec);
    if (typeof spec.Name !== 'string' || !NAME_RE.test(spec.Name)) {
      throw bad('invalid name, only 64 [a-zA-Z0-9-_.] characters allowed, and the start and end character must be [a-zA-Z0-9]');
    }
    checkLabels(spec.Labels);
    const data = spec.Data ?? '';
    if (typeof data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
      throw new FlotillaError('invalid_argument', 'illegal base64 data in Data');
    }
    const size = Buffer.from(data, 'base64').length;
    if (this.kind === 'secret' && (size === 0 || size > MAX_DATA)) throw bad('secret data must be larger than 0 and less than 500 KB');
    if (this.kind === 'config' && (size === 0 || size > MAX_DATA)) throw bad('config data must be larger than 0 and less than 500 KB');
  }
}

function checkLabels(l: unknown) {
  if (l == null) return;
  if (typeof l !== 'object' || Object.values(l).some((v) => typeof v !== 'string')) {
    throw new FlotillaError('invalid_argument', 'labels must map strings to strings');
  }
}
