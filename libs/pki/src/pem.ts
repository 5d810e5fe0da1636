import { x509 } from './x509';

/** DER bytes of the first PEM block of `label`. */
export function pemToDer(pem: string, label: string): ArrayBuffer {
  const blocks = x509.PemConverter.decodeWithHeaders(pem).filter((b) => b.type === label);
  if (!blocks.length) throw new Error(`no ${label} in PEM`);
  return blocks[0].rawData;
}

export const derToPem = (der: ArrayBuffer, label: string) => x509.PemConverter.encode(der, label);
