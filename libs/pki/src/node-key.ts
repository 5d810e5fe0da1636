import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { FlotillaError } from '@flotilla/contracts';

export interface KeyPair {
  /** PKCS#8 PEM: stays on the node that made it. */
  keyPem: string;
  /** SPKI PEM: what the node sends to be certified. */
  publicKeyPem: string;
}

/** A node's own key pair (P-256); the private half never leaves the node. */
export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The SPKI PEM of a public key sent over the network, checked to be a P-256 EC key. */
export function checkedPublicKey(pem: string): string {
  let key;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new FlotillaError('invalid_argument', `not a public key: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new FlotillaError('invalid_argument', 'a node key must be an EC P-256 key');
  }
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** The public half of a private key PEM. */
export function publicKeyOf(keyPem: string): string {
  return createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'pem' }).toString();
}
