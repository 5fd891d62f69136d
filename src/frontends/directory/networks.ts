// Is a peer inside the configured trusted networks (CIDR list)?
import { BlockList, isIP } from 'node:net';

/** `::ffff:192.0.2.1` (an IPv4 peer on a dual-stack socket) -> `192.0.2.1`. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** client addresses whose answer is kept (all are forgotten when full) */
const REMEMBERED = 4096;

export function trustedNetworks(cidrs: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network, bits] = cidr.split('/') as [string, string | undefined];
    const family = isIP(network) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(network, family);
    else list.addSubnet(network, Number(bits), family);
  }
  // Each check makes a native address object (about 10 µs, once per SMTP connection); a server
  // hears from the same few addresses again and again, so answers are kept, up to REMEMBERED.
  const known = new Map<string, boolean>();
  return (address) => {
    let trusted = known.get(address);
    if (trusted === undefined) {
      const plain = plainAddress(address);
      const family = isIP(plain);
      trusted = family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
      if (known.size >= REMEMBERED) known.clear();
      known.set(address, trusted);
    }
    return trusted;
  };
}
