import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * The SSRF guard: webhook targets (and cluster API servers) that resolve to loopback, link-local (cloud metadata
 * lives at 169.254.169.254), private, shared, multicast or reserved addresses are refused unless the operator
 * allows private targets. Checked on the addresses a connection actually uses, so a name that resolves elsewhere
 * later (DNS rebinding) is caught too.
 */
const refused = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  refused.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  refused.addSubnet(network, prefix, 'ipv6');
}

/** Whether an address is one the guard refuses (an IPv4-mapped IPv6 address is judged by its IPv4 address). */
export const isPrivateAddress = (address: string): boolean => {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return refused.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 4) return refused.check(address, 'ipv4');
  if (family === 6) return refused.check(address, 'ipv6');
  return true;
};

export class TargetRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

const refusal = (host: string, address: string) =>
  new TargetRefusedError(`${host} resolves to ${address}, a loopback, link-local or private address (set WHARF_WEBHOOK_ALLOW_PRIVATE=true to allow)`);

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that refuses guarded addresses (every one a name resolves to must pass). */
export const guardedLookup =
  (allowPrivate: boolean) =>
  (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, ...(typeof options.family === 'number' && options.family !== 0 ? { family: options.family } : {}) }, (error, addresses) => {
      if (error) return callback(error, []);
      const bad = allowPrivate ? undefined : addresses.find((entry) => isPrivateAddress(entry.address));
      if (bad) return callback(refusal(hostname, bad.address) as NodeJS.ErrnoException, []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };

/** Checks a target before a trigger is saved: it must resolve, and (unless allowed) to no guarded address. */
export const checkTarget = async (url: string, allowPrivate: boolean): Promise<void> => {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) {
    if (!allowPrivate && isPrivateAddress(host)) throw refusal(host, host);
    return;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, found) => (error ? reject(new TargetRefusedError(`${host} does not resolve: ${error.code ?? error.message}`)) : resolve(found))),
  );
  const bad = allowPrivate ? undefined : addresses.find((entry) => isPrivateAddress(entry.address));
  if (bad) throw refusal(host, bad.address);
};
