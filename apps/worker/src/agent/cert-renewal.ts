import { X509Certificate } from 'node:crypto';
import { generateKeyPair, MAX_WAIT_MS, renewalDelay } from '@flotilla/pki';
import type { NodeCredentials } from './node-credentials';

export interface RenewalPorts {
  /** The node's current credentials (undefined: nothing to renew). */
  current(): NodeCredentials | undefined;
  /** Has a new public key certified (over the node's mutual TLS, or by the manager itself). */
  sign(publicKeyPem: string): Promise<{ ca: string; certificate: string }>;
  /** Keeps and starts using new credentials. */
  apply(creds: NodeCredentials): void;
  log: { log(o: object): void; warn(o: object): void };
  now?: () => number;
  random?: () => number;
}

/**
 * Renews a node's certificate at its renewal time (50–80 % of its life, counted from when the node
 * got it), with a fresh key each time; a failed attempt is tried again soon, well before expiry.
 */
export class CertRenewal {
  private timer?: NodeJS.Timeout;
  private since: number;
  private stopped = false;
  private dueAt = Number.POSITIVE_INFINITY;
  private renewing = false;

  constructor(private readonly p: RenewalPorts) {
    this.since = this.now();
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Renews at once (a root rotation: another root signs now), unless a renewal is already under way. */
  renewNow(): void {
    if (this.stopped || this.renewing) return;
    clearTimeout(this.timer);
    this.dueAt = this.now();
    void this.tick();
  }

  private now() {
    return this.p.now?.() ?? Date.now();
  }

  private validity(): { notBefore: number; notAfter: number } | undefined {
    const c = this.p.current();
    if (!c) return undefined;
    const x = new X509Certificate(c.cert);
    return { notBefore: Date.parse(x.validFrom), notAfter: Date.parse(x.validTo) };
  }

  /** A new renewal time for the certificate in use (a fresh random point of its window). */
  private schedule(): void {
    const v = this.validity();
    if (!v || this.stopped) return;
    const now = this.now();
    this.dueAt = now + renewalDelay({ ...v, since: this.since, now, random: this.p.random?.() ?? Math.random() });
    // renewalDelay waits at most a day; past that, the due time is the day's end and is looked at again.
    if (this.dueAt - now >= MAX_WAIT_MS) this.dueAt = Number.POSITIVE_INFINITY;
    this.arm(Math.min(this.dueAt - now, MAX_WAIT_MS));
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, ms));
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    const v = this.validity();
    if (!v || this.stopped) return;
    if (this.dueAt === Number.POSITIVE_INFINITY) return this.schedule();
    if (this.now() < this.dueAt) return this.arm(Math.min(this.dueAt - this.now(), MAX_WAIT_MS));
    this.renewing = true;
    try {
      const keys = generateKeyPair();
      const got = await this.p.sign(keys.publicKeyPem);
      this.p.apply({ ca: got.ca, cert: got.certificate, key: keys.keyPem });
      this.since = this.now();
      this.p.log.log({ msg: 'node certificate renewed', validTo: new X509Certificate(got.certificate).validTo });
      this.schedule();
    } catch (e) {
      const left = v.notAfter - this.now();
      this.p.log.warn({ msg: 'node certificate renewal failed; trying again', err: (e as Error).message, expiresInMs: left });
      this.arm(Math.max(1000, Math.min(30_000, Math.floor(left / 10))));
    } finally {
      this.renewing = false;
    }
  }
}
