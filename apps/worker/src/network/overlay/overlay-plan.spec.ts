import { describe, expect, it } from 'vitest';
import { planOverlay, type ObservedHost, type WantedOverlay } from './overlay-plan';
import { parseEbtables } from './host-observer';

const NET = 'abcdefghijkl0123456789xyz';
const BR = 'flbabcdefghijkl';
const VX = 'flvabcdefghijkl';
const wanted: WantedOverlay = { networkId: NET, vni: 4096, gateway: '10.0.0.1', peers: ['10.214.0.12', '10.214.0.13'] };

function host(o: Partial<ObservedHost> = {}): ObservedHost {
  return { bridges: new Set([BR]), vxlans: new Map(), floods: new Map(), ebtables: new Map([['INPUT', []], ['FORWARD', []], ['OUTPUT', []]]), ...o };
}

/** The host as it is once everything planned for `w` is in place. */
function converged(w: WantedOverlay): ObservedHost {
  return host({
    vxlans: new Map([[VX, { vni: w.vni, master: BR, up: true }]]),
    floods: new Map([[VX, new Set(w.peers)]]),
    ebtables: new Map([
      ['INPUT', [`-i ${VX} -j ${VX}`]],
      ['FORWARD', [`-i ${VX} -j ${VX}`, `-o ${VX} -j ${VX}`]],
      ['OUTPUT', [`-o ${VX} -j ${VX}`]],
      [VX, [`-p ARP --arp-ip-dst ${w.gateway} -j DROP`, `-p ARP --arp-ip-src ${w.gateway} -j DROP`]],
    ]),
  });
}

const argv = (cmds: { argv: string[] }[]) => cmds.map((c) => c.argv.join(' '));
const mine = () => true;

describe('planOverlay', () => {
  it('builds the tunnel on a fresh host: device on the bridge, one flood entry per peer, the gateway ARP guard', () => {
    expect(argv(planOverlay([wanted], host(), mine))).toEqual([
      `ip link add ${VX} mtu 1450 master ${BR} type vxlan id 4096 dstport 4789`,
      `ip link set ${VX} up`,
      `bridge fdb append 00:00:00:00:00:00 dev ${VX} dst 10.214.0.12`,
      `bridge fdb append 00:00:00:00:00:00 dev ${VX} dst 10.214.0.13`,
      `ebtables -N ${VX} -P RETURN`,
      `ebtables -A ${VX} -p ARP --arp-ip-dst 10.0.0.1 -j DROP`,
      `ebtables -A ${VX} -p ARP --arp-ip-src 10.0.0.1 -j DROP`,
      `ebtables -A FORWARD -i ${VX} -j ${VX}`,
      `ebtables -A FORWARD -o ${VX} -j ${VX}`,
      `ebtables -A INPUT -i ${VX} -j ${VX}`,
      `ebtables -A OUTPUT -o ${VX} -j ${VX}`,
    ]);
  });

  it('plans nothing once converged', () => {
    expect(planOverlay([wanted], converged(wanted), mine)).toEqual([]);
  });

  it('follows peers that come and go', () => {
    const now = { ...wanted, peers: ['10.214.0.13', '10.214.0.14'] };
    expect(argv(planOverlay([now], converged(wanted), mine))).toEqual([
      `bridge fdb append 00:00:00:00:00:00 dev ${VX} dst 10.214.0.14`,
      `bridge fdb del 00:00:00:00:00:00 dev ${VX} dst 10.214.0.12`,
    ]);
  });

  it('waits for the bridge (the task runner creates it with the network)', () => {
    expect(planOverlay([wanted], host({ bridges: new Set() }), mine)).toEqual([]);
  });

  it('tears everything down when the network goes, or its last peer does', () => {
    const teardown = [
      `ip link del ${VX}`,
      `ebtables -D INPUT -i ${VX} -j ${VX}`,
      `ebtables -D FORWARD -i ${VX} -j ${VX}`,
      `ebtables -D FORWARD -o ${VX} -j ${VX}`,
      `ebtables -D OUTPUT -o ${VX} -j ${VX}`,
      `ebtables -F ${VX}`,
      `ebtables -X ${VX}`,
    ];
    expect(argv(planOverlay([], converged(wanted), mine))).toEqual(teardown);
    expect(argv(planOverlay([{ ...wanted, peers: [] }], converged(wanted), mine))).toEqual(teardown);
  });

  it("leaves another cluster's tunnel alone while its bridge stands, and clears one whose bridge is gone", () => {
    const theirs = () => false;
    expect(planOverlay([], converged(wanted), theirs)).toEqual([]);
    const orphan = { ...converged(wanted), bridges: new Set<string>(), vxlans: new Map([[VX, { vni: 4096, up: true }]]) };
    expect(argv(planOverlay([], orphan, theirs))[0]).toBe(`ip link del ${VX}`);
  });

  it('replaces a device with the wrong VXLAN id, and re-enslaves a detached one', () => {
    const h = converged(wanted);
    const wrongVni = { ...h, vxlans: new Map([[VX, { vni: 4097, master: BR, up: true }]]) };
    expect(argv(planOverlay([wanted], wrongVni, mine)).slice(0, 5)).toEqual([
      `ip link del ${VX}`,
      `ip link add ${VX} mtu 1450 master ${BR} type vxlan id 4096 dstport 4789`,
      `ip link set ${VX} up`,
      `bridge fdb append 00:00:00:00:00:00 dev ${VX} dst 10.214.0.12`,
      `bridge fdb append 00:00:00:00:00:00 dev ${VX} dst 10.214.0.13`,
    ]);
    const detached = { ...h, vxlans: new Map([[VX, { vni: 4096, up: false }]]) };
    expect(argv(planOverlay([wanted], detached, mine))).toEqual([`ip link set ${VX} master ${BR}`, `ip link set ${VX} up`]);
  });

  it("ignores devices and chains that are not flotilla's", () => {
    const h = host({ vxlans: new Map([['vxlan0', { vni: 1, up: true }]]), ebtables: new Map([['DOCKER', ['-j RETURN']]]) });
    expect(planOverlay([], h, mine)).toEqual([]);
  });
});

describe('parseEbtables', () => {
  it('reads chains and rules', () => {
    const text = `Bridge table: filter\n\nBridge chain: INPUT, entries: 0, policy: ACCEPT\n\nBridge chain: FORWARD, entries: 1, policy: ACCEPT\n-o ${VX} -j ${VX} \n\nBridge chain: ${VX}, entries: 1, policy: RETURN\n-p ARP --arp-ip-dst 10.0.0.1 -j DROP\n`;
    expect([...parseEbtables(text)]).toEqual([
      ['INPUT', []],
      ['FORWARD', [`-o ${VX} -j ${VX}`]],
      [VX, ['-p ARP --arp-ip-dst 10.0.0.1 -j DROP']],
    ]);
  });
});
