import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../core/messages';
import { TcpTransport } from './tcp-transport';

/** The TCP transport over mutual TLS with a throwaway self-signed certificate (needs the openssl CLI). */
const dir = mkdtempSync(join(tmpdir(), 'raft-tls-'));
let haveOpenssl = true;
try {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=raft', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
} catch {
  haveOpenssl = false;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveOpenssl)('TcpTransport over TLS', () => {
  it('delivers messages between two members with mutual TLS', async () => {
    const key = readFileSync(join(dir, 'key.pem'));
    const cert = readFileSync(join(dir, 'cert.pem'));
    const tls = { server: { key, cert, ca: [cert], requestCert: true, rejectUnauthorized: true }, client: { key, cert, ca: [cert] } };
    const a = new TcpTransport({ listen: '127.0.0.1:0', tls });
    const b = new TcpTransport({ listen: '127.0.0.1:0', tls });
    const addrB = await b.listen();
    await a.listen();
    a.setPeer('b', addrB);
    const got = new Promise<Message>((resolve) => b.onMessage(resolve));
    a.send([{ type: 'heartbeat', from: 'a', to: 'b', term: 4, commit: 2, context: 'ctx' }]);
    expect(await got).toEqual({ type: 'heartbeat', from: 'a', to: 'b', term: 4, commit: 2, context: 'ctx' });
    await a.close();
    await b.close();
  });
});
