import { describe, expect, it } from 'vitest';
import { classifyAddress, inAnyRange, parseCidr } from './ip-ranges.ts';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.255.255.254', 'loopback'], ['::1', 'loopback'], ['0:0:0:0:0:0:0:1', 'loopback'],
    ['10.0.0.1', 'private'], ['172.16.0.1', 'private'], ['172.31.255.255', 'private'], ['192.168.0.1', 'private'],
    ['fc00::1', 'private'], ['fd12:3456::1', 'private'], ['fec0::1', 'private'],
    ['169.254.169.254', 'link-local'], ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'cgnat'], ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'], ['239.255.255.250', 'multicast'], ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'], ['0.1.2.3', 'unspecified'], ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'], ['192.0.2.1', 'reserved'], ['198.18.0.1', 'reserved'], ['2001:db8::1', 'reserved'], ['2001::1', 'reserved'], ['100::1', 'reserved'],
    ['not an address', 'reserved'], ['1::', 'reserved'],
  ])('%s is %s', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['[::ffff:7f00:1]', 'loopback'], ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::127.0.0.1', 'loopback'], ['::7f00:1', 'loopback'], ['::ffff:0:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'], ['::ffff:a9fe:a9fe', 'link-local'], ['::ffff:0.0.0.0', 'unspecified'],
    ['64:ff9b::127.0.0.1', 'loopback'], ['64:ff9b::a00:1', 'private'], ['64:ff9b:1::1', 'private'],
    ['2002:7f00:1::', 'loopback'], ['2002:c0a8:101::1', 'private'], ['2002:a9fe:a9fe::', 'link-local'],
  ])('unwraps %s to an IPv4 %s address', (ip, cls) => {
    expect(classifyAddress(ip)).toBe(cls);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    '%s is public',
    (ip) => {
      expect(classifyAddress(ip)).toBe('public');
    },
  );

  it('reads the spellings a URL or resolver hands over as the dotted quads they are', () => {
    for (const host of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '0x7f000001', '127.0.0.1.']) {
      expect(classifyAddress(new URL(`http://${host}/`).hostname)).toBe('loopback');
    }
    expect(classifyAddress(new URL('http://[::ffff:127.0.0.1]/').hostname)).toBe('loopback');
  });
});

describe('parseCidr', () => {
  it('reads ranges and single addresses of both families, and matches mapped forms', () => {
    const ranges = ['10.1.0.0/16', '127.0.0.2', 'fd00::/8'].map((c) => parseCidr(c)!);
    expect(inAnyRange('10.1.200.3', ranges)).toBe(true);
    expect(inAnyRange('10.2.0.1', ranges)).toBe(false);
    expect(inAnyRange('127.0.0.2', ranges)).toBe(true);
    expect(inAnyRange('::ffff:127.0.0.2', ranges)).toBe(true);
    expect(inAnyRange('127.0.0.1', ranges)).toBe(false);
    expect(inAnyRange('fd12::1', ranges)).toBe(true);
    for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0.0/x', 'example.com', '10.0.0.0/8/1', '10.0.0.0/']) expect(parseCidr(bad)).toBeNull();
  });
});
