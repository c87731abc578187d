import { expectAccepted, expectRejected } from './support/hostile';
import { externalControlPlane, hasYamlScalar, meshText, primary, twoPrimaries } from './support/topologies';

// Addresses and ranges, parsed strictly: a numeric-looking host must be a valid IP, a CIDR must be the
// first address of its range, and dual-stack subnets work (issue 9).
describe('hostile addresses: gateway and istiod addresses', () => {
  const gateway = (address: string) => ({ eastWestGateway: { enabled: true, address } });
  test.each([
    ['an octet above 255', '300.1.2.3', ['"300.1.2.3"', 'looks like an IPv4 address', 'above 255']],
    ['a leading zero (octal to some parsers)', '192.0.2.010', ['"192.0.2.010"', 'leading zero', 'octal']],
    ['three parts', '192.0.2', ['has 3 dot-separated parts']],
    ['five parts', '192.0.2.1.5', ['has 5 dot-separated parts']],
    ['a hex last label', 'gw.0x7f', ['looks like an IPv4 address']],
    ['a bare number', '3232235777', ['bare number']],
    ['a port', 'gw.example.com:15443', ['contains a port', 'give the host only ("gw.example.com")']],
    ['an invalid IPv6 address', 'fd00::1::2', ['not a valid IPv6 address']],
    ['a template expression', '{{ .addr }}', ['template delimiters']],
    ['a newline', 'gw.example.com\nloadBalancerIP: 1.2.3.4', ['U+000A']],
    ['a loopback address', '127.0.0.1', ['loopback']],
    ['uppercase', 'GW.example.com', ['write "gw.example.com"']],
  ])('rejects an eastWestGateway.address with %s', (_what, address, contains) => {
    expectRejected(twoPrimaries({}, gateway(address)), { cluster: 'cluster2', field: 'eastWestGateway.address', contains });
  });

  test.each([
    ['an IPv4 address, pinned as loadBalancerIP', '192.0.2.10'],
    ['an IPv6 address, pinned as loadBalancerIP', '2001:db8::10'],
  ])('accepts %s', (_what, address) => {
    const tree = expectAccepted(twoPrimaries({}, gateway(address)));
    expect(hasYamlScalar(tree['cluster2/40-gateways/service_istio-system_istio-eastwestgateway.yaml'], 'loadBalancerIP', address)).toBe(true);
  });

  test('accepts a DNS name (not pinned)', () => {
    const tree = expectAccepted(twoPrimaries({}, gateway('ew-1.gw.example.com')));
    expect(tree['cluster2/40-gateways/service_istio-system_istio-eastwestgateway.yaml']).not.toContain('loadBalancerIP');
  });

  test.each([
    ['an octet above 255', '300.1.2.3', ['above 255']],
    ['a path', 'istiod.example.com/x', ['neither an IP address nor a DNS name']],
    ['a URL', 'https://istiod.example.com', ['is a URL']],
  ])('rejects an externalIstiod.address with %s', (_what, address, contains) => {
    expectRejected(externalControlPlane({ address }), { cluster: 'external', field: 'externalIstiod.address', contains: [JSON.stringify(address), ...contains] });
  });
});

describe('hostile addresses: pod and service subnets', () => {
  test.each([
    ['host bits set', '10.0.0.1/16', ['host bits set', 'write "10.0.0.0/16"']],
    ['IPv6 host bits set', 'fd00:10::1/56', ['host bits set', 'write "fd00:10::/56"']],
    ['host bits in one half of a dual-stack pair', '10.10.0.0/16,fd00:10::1/56', ['host bits set', 'write "10.10.0.0/16,fd00:10::/56"']],
    ['an octet above 255', '300.0.0.0/8', ['above 255']],
    ['a leading zero in the address', '010.0.0.0/8', ['leading zero']],
    ['a leading zero in the prefix', '10.0.0.0/016', ['leading zero']],
    ['a prefix too long', '10.0.0.0/33', ['above /32']],
    ['two IPv4 ranges', '10.10.0.0/16,10.20.0.0/16', ['two IPv4 ranges']],
    ['three ranges', '10.10.0.0/16,fd00:10::/56,10.20.0.0/16', ['at most two']],
    ['a space after the comma', '10.10.0.0/16, fd00:10::/56', ['" fd00:10::"']],
    ['no prefix', '10.10.0.0', ['not address/prefix-length']],
  ])('rejects a podSubnet with %s', (_what, podSubnet, contains) => {
    expectRejected(twoPrimaries({ podSubnet: '10.200.0.0/16' }, { podSubnet }), { cluster: 'cluster2', field: 'podSubnet', contains: [JSON.stringify(podSubnet), ...contains] });
  });

  test('accepts dual-stack subnets (Kubernetes\' "v4,v6" form) on clusters of one network', () => {
    const tree = expectAccepted(meshText([
      primary('cluster1', { podSubnet: '10.10.0.0/16,fd00:10::/56', svcSubnet: 'fd00:96::/112,10.96.0.0/16' }),
      primary('cluster2', { podSubnet: '10.20.0.0/16,fd00:20::/56', svcSubnet: '10.97.0.0/16,fd00:97::/112' }),
    ]));
    expect(Object.keys(tree)).toContain('cluster1/kustomization.yaml');
  });

  test('checks dual-stack subnets for overlap per family, naming both clusters', () => {
    expectRejected(meshText([
      primary('cluster1', { podSubnet: '10.10.0.0/16,fd00:10::/56' }),
      primary('cluster2', { podSubnet: '10.20.0.0/16,fd00:10:0:1::/64' }),
    ]), { cluster: 'cluster2', field: 'podSubnet', contains: ['"fd00:10:0:1::/64"', 'overlaps podSubnet fd00:10::/56 of cluster "cluster1"'] });
  });

  test('an IPv4 range never overlaps an IPv6 range', () => {
    expectAccepted(meshText([primary('cluster1', { podSubnet: '0.0.0.0/0' }), primary('cluster2', { podSubnet: '::/0' })]));
  });
});
