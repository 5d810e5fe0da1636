import { VXLAN_PREFIX } from './device-names';
import type { RunCommand } from './host-commands';
import type { ObservedHost } from './overlay-plan';

interface IpLink {
  ifname: string;
  master?: string;
  flags?: string[];
  linkinfo?: { info_kind?: string; info_data?: { id?: number } };
}

interface FdbEntry {
  mac: string;
  dst?: string;
}

/** Reads what planOverlay needs from `ip`, `bridge` and `ebtables`; a tool that fails reads as empty. */
export async function observeHost(run: RunCommand): Promise<ObservedHost> {
  const [bridgesOut, vxlansOut, ebOut] = await Promise.all([
    run(['ip', '-j', 'link', 'show', 'type', 'bridge']),
    run(['ip', '-j', '-d', 'link', 'show', 'type', 'vxlan']),
    run(['ebtables', '-L']),
  ]);
  const bridges = new Set(parseJson<IpLink[]>(bridgesOut.stdout).map((l) => l.ifname));
  const vxlans = new Map<string, { vni: number; master?: string; up: boolean }>();
  for (const l of parseJson<IpLink[]>(vxlansOut.stdout)) {
    if (!l.ifname.startsWith(VXLAN_PREFIX)) continue;
    vxlans.set(l.ifname, { vni: l.linkinfo?.info_data?.id ?? -1, master: l.master, up: l.flags?.includes('UP') ?? false });
  }
  const floods = new Map<string, Set<string>>();
  await Promise.all(
    [...vxlans.keys()].map(async (dev) => {
      const fdb = parseJson<FdbEntry[]>((await run(['bridge', '-j', 'fdb', 'show', 'dev', dev])).stdout);
      floods.set(dev, new Set(fdb.filter((e) => e.mac === '00:00:00:00:00:00' && e.dst).map((e) => e.dst!)));
    }),
  );
  return { bridges, vxlans, floods, ebtables: ebOut.ok ? parseEbtables(ebOut.stdout) : new Map() };
}

/**
 * `ebtables -L` text -> chain -> rules:
 *   Bridge chain: FORWARD, entries: 1, policy: ACCEPT
 *   -o flvabc -j flvabc
 */
export function parseEbtables(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let chain: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^Bridge chain: ([^,]+),/.exec(line);
    if (m) out.set(m[1], (chain = []));
    else if (line.startsWith('-') && chain) chain.push(line.replace(/\s+/g, ' '));
  }
  return out;
}

function parseJson<T>(s: string): T {
  try {
    return (JSON.parse(s || '[]') ?? []) as T;
  } catch {
    return [] as T;
  }
}
