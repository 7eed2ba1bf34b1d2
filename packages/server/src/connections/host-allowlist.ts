import { BlockList, isIP } from 'node:net';

/** Where the operator sets which hosts data connections may reach. */
export const CONNECTION_HOSTS_VARIABLE = 'TC_CONNECTION_HOSTS';

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Lowercase, no trailing dot, no IPv6 brackets: how names and addresses are compared. */
function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/**
 * The hosts data connections may use, from `TC_CONNECTION_HOSTS`: comma-separated host names (`db.internal`),
 * subdomain wildcards (`*.db.example.com`, subdomains only), IP addresses and CIDR ranges (`10.0.0.0/8`,
 * `fd00::/8`). Names match names and addresses match addresses: a host given by name is allowed only when a name
 * or wildcard lists it — it is never resolved to check it against a range, so DNS answers cannot widen the list.
 *
 * Without the variable every host is allowed (a single-tenant install); a multi-tenant one sets it, so an
 * organization's admin cannot aim the server at the network around it (cloud metadata, internal services).
 */
export class HostAllowlist {
  private readonly names = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly addresses = new BlockList();

  /** Throws a RangeError naming the entry at fault. */
  constructor(readonly source: string) {
    const entries = source.split(',').map((entry) => entry.trim()).filter(Boolean);
    if (entries.length === 0) throw new RangeError('lists no host; leave it unset to allow every host.');
    for (const raw of entries) this.add(raw);
  }

  private add(raw: string): void {
    const entry = normalizeHost(raw);
    const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
    if (cidr) {
      const [, address, bits] = cidr as unknown as [string, string, string];
      const family = isIP(address);
      const prefix = Number(bits);
      if (family === 0 || prefix > (family === 4 ? 32 : 128)) throw new RangeError(`"${raw}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8.`);
      this.addresses.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
      return;
    }
    const family = isIP(entry);
    if (family !== 0) {
      this.addresses.addAddress(entry, family === 4 ? 'ipv4' : 'ipv6');
      return;
    }
    if (entry.startsWith('*.') && HOST_NAME.test(entry.slice(2))) {
      this.suffixes.push(entry.slice(1));
      return;
    }
    if (!HOST_NAME.test(entry)) throw new RangeError(`"${raw}" is not a host name, "*.domain" wildcard, IP address or CIDR range.`);
    this.names.add(entry);
  }

  allows(host: string): boolean {
    const candidate = normalizeHost(host);
    const family = isIP(candidate);
    if (family !== 0) return this.addresses.check(candidate, family === 4 ? 'ipv4' : 'ipv6');
    return this.names.has(candidate) || this.suffixes.some((suffix) => candidate.endsWith(suffix) && candidate.length > suffix.length);
  }
}

/** What an admin reads when a host is refused: which setting decides, and who can change it. */
export function hostRefusal(host: string): string {
  return `host "${host.slice(0, 80)}" is not one this server may connect to: ${CONNECTION_HOSTS_VARIABLE} lists the allowed hosts; ask the server's operator to add it.`;
}
