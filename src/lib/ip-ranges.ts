// Which IP addresses a tenant's URL may reach. An address is classified after unwrapping every
// IPv6 form that carries an IPv4 address (mapped, compatible, SIIT, NAT64, 6to4), so
// ::ffff:7f00:1 is loopback like 127.0.0.1. Spellings such as 2130706433 or 0x7f.1 never get
// here as text: the URL parser and the resolver turn them into dotted quads first.
import { isIP } from 'node:net';

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved';

/** Classes a development or test installation may open with the allow-private setting. */
export const privateClasses: readonly AddressClass[] = ['loopback', 'private', 'link-local', 'cgnat'];

type Range = { bytes: number[]; bits: number };

function inRange(addr: Uint8Array, r: Range): boolean {
  if (addr.length !== r.bytes.length) return false;
  let bits = r.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((addr[i] & mask) !== (r.bytes[i] & mask)) return false;
  }
  return true;
}

const v4 = (cidr: string): Range => {
  const [ip, bits] = cidr.split('/');
  return { bytes: ip.split('.').map(Number), bits: Number(bits) };
};
const v6 = (cidr: string): Range => {
  const [ip, bits] = cidr.split('/');
  return { bytes: [...parseIpv6(ip)!], bits: Number(bits) };
};

// IANA's special-purpose registries; order matters where ranges nest (broadcast inside 240/4).
const ipv4Ranges: [Range, AddressClass][] = [
  [v4('255.255.255.255/32'), 'broadcast'],
  [v4('0.0.0.0/8'), 'unspecified'],
  [v4('10.0.0.0/8'), 'private'],
  [v4('100.64.0.0/10'), 'cgnat'],
  [v4('127.0.0.0/8'), 'loopback'],
  [v4('169.254.0.0/16'), 'link-local'],
  [v4('172.16.0.0/12'), 'private'],
  [v4('192.0.0.0/24'), 'reserved'],
  [v4('192.0.2.0/24'), 'reserved'],
  [v4('192.88.99.0/24'), 'reserved'],
  [v4('192.168.0.0/16'), 'private'],
  [v4('198.18.0.0/15'), 'reserved'],
  [v4('198.51.100.0/24'), 'reserved'],
  [v4('203.0.113.0/24'), 'reserved'],
  [v4('224.0.0.0/4'), 'multicast'],
  [v4('240.0.0.0/4'), 'reserved'],
];

// Forms whose last 32 bits (or, for 6to4, bits 16–47) are an IPv4 address a router will reach.
const embeddingV4: [Range, number][] = [
  [v6('::ffff:0:0/96'), 12],
  [v6('::ffff:0:0:0/96'), 12],
  [v6('64:ff9b::/96'), 12],
  [v6('2002::/16'), 2],
];

const ipv6Ranges: [Range, AddressClass][] = [
  [v6('::/128'), 'unspecified'],
  [v6('::1/128'), 'loopback'],
  [v6('64:ff9b:1::/48'), 'private'],
  [v6('100::/64'), 'reserved'],
  [v6('2001::/23'), 'reserved'],
  [v6('2001:db8::/32'), 'reserved'],
  [v6('3fff::/20'), 'reserved'],
  [v6('fc00::/7'), 'private'],
  [v6('fe80::/10'), 'link-local'],
  [v6('fec0::/10'), 'private'],
  [v6('ff00::/8'), 'multicast'],
];
const globalUnicast = v6('2000::/3');
const compatible = v6('::/96');

function parseIpv4(s: string): Uint8Array | null {
  if (isIP(s) !== 4) return null;
  return Uint8Array.from(s.split('.').map(Number));
}

function parseIpv6(input: string): Uint8Array | null {
  const s = input.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(s) !== 6) return null;
  let text = s.toLowerCase();
  const tail: number[] = [];
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const q = dotted[2].split('.').map(Number);
    tail.push((q[0] << 8) | q[1], (q[2] << 8) | q[3]);
    text = dotted[1].endsWith('::') ? dotted[1] : dotted[1].slice(0, -1);
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, null];
  const words = (p: string) => (p ? p.split(':').map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = rest === null ? [] : words(rest);
  const fill = 8 - tail.length - left.length - right.length;
  const all = [...left, ...(rest === null ? [] : new Array<number>(fill).fill(0)), ...right, ...tail];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** The address as bytes, an IPv6 form that carries an IPv4 address unwrapped to its 4 bytes. */
export function addressBytes(ip: string): Uint8Array | null {
  const four = parseIpv4(ip);
  if (four) return four;
  const six = parseIpv6(ip);
  if (!six) return null;
  for (const [range, at] of embeddingV4) if (inRange(six, range)) return six.slice(at, at + 4);
  // ::a.b.c.d (deprecated "compatible"); :: and ::1 are themselves, not 0.0.0.0 and 0.0.0.1
  if (inRange(six, compatible) && (six[12] | six[13] | six[14]) !== 0) return six.slice(12, 16);
  return six;
}

export function classifyAddress(ip: string): AddressClass {
  const bytes = addressBytes(ip);
  if (!bytes) return 'reserved';
  if (bytes.length === 4) return ipv4Ranges.find(([r]) => inRange(bytes, r))?.[1] ?? 'public';
  const special = ipv6Ranges.find(([r]) => inRange(bytes, r));
  if (special) return special[1];
  return inRange(bytes, globalUnicast) ? 'public' : 'reserved';
}

/** "10.1.0.0/16", "fd00::/8" or a single address; null when it is neither. */
export function parseCidr(text: string): Range | null {
  const [ip, bitsText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const bytes = addressBytes(ip);
  if (!bytes) return null;
  const max = bytes.length * 8;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (bitsText !== undefined && !/^\d+$/.test(bitsText)) return null;
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  return { bytes: [...bytes], bits };
}

export function inAnyRange(ip: string, ranges: readonly Range[]): boolean {
  const bytes = addressBytes(ip);
  return bytes !== null && ranges.some((r) => inRange(bytes, r));
}

export type AddressRange = Range;
