import 'reflect-metadata'; // @peculiar/x509 resolves its ASN.1 parsers through tsyringe, which needs it
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

/** The X.509 library, set up once with Node's WebCrypto. */
export { x509 };

/** ECDSA P-256 with SHA-256: what swarmkit's CA issues. */
export const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
