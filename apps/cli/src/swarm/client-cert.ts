import { Command } from 'commander';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { errorMessageOf } from '@flotilla/contracts';
import { managerUrl } from '../client/api-client';
import { localAddr } from '../client/local-cluster';
import { CliError } from '../errors';

/** The three files the docker CLI reads from DOCKER_CERT_PATH, and their modes: the key is the user's alone. */
export const CLIENT_FILES = [
  { name: 'ca.pem', mode: 0o644 },
  { name: 'cert.pem', mode: 0o644 },
  { name: 'key.pem', mode: 0o600 },
] as const;

/**
 * `flotilla swarm client-cert --out DIR`: on a manager, a certificate of the cluster's CA for a user
 * of the remote API (`--api-remote`). The key is made here and never sent; the local manager
 * (loopback only) signs its public half.
 */
export function clientCertCommand(): Command {
  const cmd = new Command('client-cert')
    .description('Write a client certificate of the swarm CA (ca.pem, cert.pem, key.pem) for the remote API')
    .requiredOption('--out <DIR>', 'directory to write the files to (DOCKER_CERT_PATH)')
    .option('--name <NAME>', 'who holds it (the certificate CN)')
    .action(async () => {
      const o = cmd.opts<{ out: string; name?: string }>();
      const keys = userKeyPair();
      const url = `${managerUrl(localAddr())}/flotilla/v1/client-cert`;
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ publicKeyPem: keys.publicKeyPem, name: o.name ?? safeUser() }),
        });
      } catch (e) {
        throw new CliError(`no flotilla manager answers at ${localAddr()}: client-cert runs on a manager (${(e as Error).message})`);
      }
      const text = await res.text();
      if (!res.ok) throw new CliError(errorMessageOf(text));
      const { ca, certificate } = JSON.parse(text) as { ca: string; certificate: string };
      const dir = resolve(o.out);
      mkdirSync(dir, { recursive: true });
      const content: Record<string, string> = { 'ca.pem': ca, 'cert.pem': certificate, 'key.pem': keys.keyPem };
      for (const f of CLIENT_FILES) {
        const path = join(dir, f.name);
        writeFileSync(path, content[f.name], { mode: f.mode });
        // An existing file keeps its mode through writeFileSync: set it.
        chmodSync(path, f.mode);
      }
      process.stdout.write(`Client certificate written to ${dir} (ca.pem, cert.pem, key.pem)\n`);
    });
  return cmd;
}

/** P-256, as the swarm's node keys (made here, not through @flotilla/pki: every CLI start would load its X.509 library). */
function userKeyPair(): { keyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

function safeUser(): string {
  try {
    const n = userInfo().username.replace(/[^A-Za-z0-9._-]/g, '');
    return n ? n : 'client';
  } catch {
    return 'client';
  }
}
