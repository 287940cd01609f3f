import dns, { type LookupAddress } from "node:dns";
import net from "node:net";
import { Agent, setGlobalDispatcher } from "undici";

/**
 * Where genrebot may connect: public internet addresses only. The host allow-list (hosts.ts) is
 * checked on names; this is checked on the addresses those names resolve to, inside the socket's
 * own DNS lookup, so an allow-listed name that resolves (or is rebound between two look-ups) to
 * loopback, a private network, link-local (cloud metadata at 169.254.169.254), CGNAT or another
 * reserved range is refused before any byte is sent.
 */
const NOT_PUBLIC = new net.BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local (AWS metadata fd00:ec2::254 among them)
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, "ipv6");
}

export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPublicAddress(mapped);
  return !NOT_PUBLIC.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Refused before connecting; the downloader turns it into a plain refusal, never retried. */
export class NotPublicAddressError extends Error {
  readonly code = "ENOTPUBLIC";
  constructor(
    readonly hostname: string,
    readonly address: string,
  ) {
    super(`${hostname} resolves to ${address}, which is not a public internet address`);
  }
}

/** dns.lookup's shape with every address: what a test's fake resolver provides. */
export type Resolve = (
  hostname: string,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolve: Resolve = (hostname, callback) => dns.lookup(hostname, { all: true }, callback);

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A socket `lookup` that resolves through `resolve` and refuses if any address is not public. */
export function publicOnlyLookup(resolve: Resolve = systemResolve) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, (error, addresses) => {
      if (error) return callback(error, []);
      const wanted = addresses.filter((a) => !options.family || a.family === options.family);
      const bad = addresses.find((a) => !isPublicAddress(a.address));
      if (bad) return callback(new NotPublicAddressError(hostname, bad.address), []);
      const first = wanted[0];
      if (!first)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), []);
      if (options.all) return callback(null, wanted);
      callback(null, first.address, first.family);
    });
  };
}

/** An undici Agent whose every connection goes through publicOnlyLookup. */
export function publicOnlyAgent(resolve?: Resolve): Agent {
  return new Agent({ connect: { lookup: publicOnlyLookup(resolve) } });
}

/**
 * Installed by the bot's and the CLI's entry points, so every download (undici's global
 * dispatcher) reaches public addresses only. Nothing in the configuration can turn this off: the
 * test fakes on loopback are reached only by code that passes its own dispatcher (or installs one
 * in-process), never through an environment variable.
 */
export function installPublicOnlyDispatcher(): void {
  setGlobalDispatcher(publicOnlyAgent());
}
