/**
 * Host device names of a network: Linux allows 15 characters, network ids
 * have 25, and 12 (like Docker's short ids) keep them apart. The prefixes are
 * flotilla's, so nothing else's devices are ever touched.
 */
const ID_CHARS = 12;
export const BRIDGE_PREFIX = 'flb';
export const VXLAN_PREFIX = 'flv';

export const bridgeName = (networkId: string) => `${BRIDGE_PREFIX}${networkId.slice(0, ID_CHARS)}`;
export const vxlanName = (networkId: string) => `${VXLAN_PREFIX}${networkId.slice(0, ID_CHARS)}`;

/** The network id prefix a flotilla device name carries, or undefined for anyone else's device. */
export function idPart(device: string): string | undefined {
  for (const p of [BRIDGE_PREFIX, VXLAN_PREFIX]) if (device.startsWith(p) && device.length > p.length) return device.slice(p.length);
  return undefined;
}

/** Whether a device name belongs to the network (ids are compared on the part the name keeps). */
export const sameNetwork = (networkId: string, idPrefix: string) => networkId.slice(0, ID_CHARS) === idPrefix;
