import { expectAccepted, expectRejected } from './support/hostile';
import { argoCd, hasYamlScalar, twoPrimaries } from './support/topologies';

// URLs that land in the remote-secret kubeconfig (apiServer) and in Argo CD Applications: each parsed by
// its grammar, never pasted raw (issue 9).
describe('hostile URLs: apiServer', () => {
  const rejected: [string, string, string[]][] = [
    ['a newline that would add a kubeconfig field', 'https://c2.example.com:6443?x\n    insecure-skip-tls-verify: true', ['U+000A', 'start a new line']],
    ['a proxy-url smuggled after a newline', 'https://c2.example.com:6443\n    proxy-url: http://evil.example.com', ['U+000A']],
    ['an External Secrets template expression', 'https://c2.example.com:6443/?t={{ .token }}', ['template delimiters', 'External Secrets']],
    ['template delimiters without whitespace', 'https://c2.example.com:6443/{{.token}}', ['template delimiters']],
    ['no "//" after the scheme', 'https:host:6443', ['not followed by "//"', 'write https://host:6443']],
    ['no host', 'https:///host', ['has no host']],
    ['a tab in the host', 'https://c2.exa\tmple.com:6443', ['U+0009']],
    ['a query', 'https://c2.example.com:6443?insecure=true', ['has a query', 'remove "?insecure=true"']],
    ['a fragment (a YAML comment once written)', 'https://c2.example.com:6443#comment', ['has a fragment', 'comment']],
    ['the scheme http', 'http://c2.example.com:6443', ['scheme "http"', 'only https://']],
    ['an uppercase scheme', 'HTTPS://c2.example.com:6443', ['write it in lowercase']],
    ['port 0', 'https://c2.example.com:0', ['the port "0"']],
    ['port 65536', 'https://c2.example.com:65536', ['the port "65536"']],
    ['a port with a leading zero', 'https://c2.example.com:06443', ['without leading zeros']],
    ['an empty port', 'https://c2.example.com:', ['the port ""']],
    ['an IPv4 host with an octet above 255', 'https://300.1.2.3:6443', ['looks like an IPv4 address', 'above 255']],
    ['an IPv4 host with a leading zero', 'https://192.0.2.010:6443', ['leading zero', 'octal']],
    ['an unbracketed IPv6 host', 'https://2001:db8::1:6443', ['IPv6 host is written in brackets']],
    ['a bracketed host that is not IPv6', 'https://[c2.example.com]:6443', ['not an IPv6 address']],
    ['a ".." path segment', 'https://c2.example.com:6443/k8s/../admin', ['the segment ".."']],
    ['a percent-encoded path', 'https://c2.example.com:6443/%2e%2e', ['the segment "%2e%2e"']],
    ['an uppercase host', 'https://C2.example.com:6443', ['uppercase', 'write "c2.example.com"']],
    ['a line separator (U+2028)', 'https://c2.example.com\u2028:6443', ['U+2028']],
    ['a NEL (U+0085)', 'https://c2.example.com\u0085', ['U+0085']],
    ['localhost', 'https://localhost:6443', ['points at the local machine']],
    ['a *.localhost name', 'https://api.localhost:6443', ['points at the local machine']],
    ['a 127.0.0.0/8 address', 'https://127.1.2.3:6443', ['loopback']],
    ['the IPv6 loopback', 'https://[::1]:6443', ['loopback']],
    ['the unspecified address', 'https://0.0.0.0:6443', ['names no machine']],
  ];
  test.each(rejected)('rejects %s', (_what, apiServer, contains) => {
    expectRejected(twoPrimaries({}, { apiServer }), { cluster: 'cluster2', field: 'apiServer', contains: [JSON.stringify(apiServer), ...contains] });
  });

  test.each([
    ['a user name', 'https://admin@c2.example.com:6443', '"https://***@c2.example.com:6443"'],
    ['a backslash before "@"', 'https://c2.example.com\\@evil.example.com', '"https://***@evil.example.com"'],
  ])('rejects %s and does not print it (it may be a token)', (_what, apiServer, shown) => {
    const stderr = expectRejected(twoPrimaries({}, { apiServer }), { cluster: 'cluster2', field: 'apiServer', contains: ['has a user name', shown] });
    expect(stderr).not.toContain(apiServer.slice(8, 14));
  });

  test('rejects a password and never prints it', () => {
    const stderr = expectRejected(twoPrimaries({}, { apiServer: 'https://admin:s3cr3t-pa55@c2.example.com:6443' }), {
      cluster: 'cluster2', field: 'apiServer', contains: ['password', 'committed to git', '"https://admin:***@c2.example.com:6443"'],
    });
    expect(stderr).not.toContain('s3cr3t-pa55');
  });

  const accepted: [string, string][] = [
    ['a host that merely starts with "localhost"', 'https://localhost-gw.example.com:6443'],
    ['an IPv4 host', 'https://192.0.2.10:6443'],
    ['a bracketed IPv6 host', 'https://[2001:db8::10]:6443'],
    ['no port', 'https://c2.example.com'],
    ['a trailing slash', 'https://c2.example.com:6443/'],
    ['a path prefix (e.g. Rancher\'s cluster proxy)', 'https://rancher.example.com/k8s/clusters/c-m-abc12'],
  ];
  test.each(accepted)('accepts %s', (_what, apiServer) => {
    const tree = expectAccepted(twoPrimaries({}, { apiServer }));
    const kubeconfigs = Object.entries(tree).filter(([f]) => f.startsWith('cluster1/') && f.includes('istio-remote-secret-cluster2'));
    expect(kubeconfigs).toHaveLength(1);
    expect(hasYamlScalar(kubeconfigs[0][1].replace(/\\n/g, '\n'), 'server', apiServer)).toBe(true);
  });
});

describe('hostile URLs: Argo CD', () => {
  test.each([
    ['a newline', 'https://c2.example.com\ninsecure: true', ['U+000A']],
    ['no "//"', 'https:c2.example.com', ['not followed by "//"']],
    ['a query', 'https://c2.example.com?x=1', ['has a query']],
  ])('rejects an argoCdDestination.server with %s', (_what, server, contains) => {
    expectRejected(twoPrimaries({}, { argoCdDestination: { server } }, argoCd()), { cluster: 'cluster2', field: 'argoCdDestination.server', contains: [JSON.stringify(server), ...contains] });
  });

  test('accepts Argo CD\'s in-cluster server', () => {
    const tree = expectAccepted(twoPrimaries({ argoCdDestination: { server: 'https://kubernetes.default.svc' } }, {}, argoCd()));
    expect(hasYamlScalar(tree['_argocd/application_argocd_mesh1-cluster1.yaml'], 'server', 'https://kubernetes.default.svc')).toBe(true);
  });

  test('rejects a repoURL with a token as password, without printing it', () => {
    const stderr = expectRejected(twoPrimaries({}, {}, argoCd({ repoURL: 'https://oauth2:glpat-Secret123@gitlab.example.com/org/repo.git' })), {
      field: 'argoCd.repoURL', contains: ['password', '"https://oauth2:***@gitlab.example.com/org/repo.git"', 'rotate'],
    });
    expect(stderr).not.toContain('glpat-Secret123');
  });

  test('rejects a repoURL with a token as user name, without printing it', () => {
    const stderr = expectRejected(twoPrimaries({}, {}, argoCd({ repoURL: 'https://ghp_abcdef123456@github.com/org/repo.git' })), {
      field: 'argoCd.repoURL', contains: ['has a user name', '"https://***@github.com/org/repo.git"'],
    });
    expect(stderr).not.toContain('ghp_abcdef123456');
  });

  test.each([
    ['a query', 'https://github.com/org/repo.git?ref=main', ['has a query']],
    ['no path', 'https://github.com', ['has no path']],
    ['a newline', 'https://github.com/org/repo.git\n  path: /', ['U+000A']],
    ['an ftp scheme', 'ftp://github.com/org/repo.git', ['scheme "ftp"']],
    ['a password in the scp form', 'git:pw@github.com:org/repo.git', ['scheme "git"']],
  ])('rejects a repoURL with %s', (_what, repoURL, contains) => {
    expectRejected(twoPrimaries({}, {}, argoCd({ repoURL })), { field: 'argoCd.repoURL', contains });
  });

  test.each([
    ['https', 'https://git.example.com/platform/mesh1-gitops.git'],
    ['the scp form', 'git@github.com:org/mesh-gitops.git'],
    ['ssh with a user', 'ssh://git@github.com/org/mesh-gitops.git'],
  ])('accepts a repoURL in %s', (_what, repoURL) => {
    const tree = expectAccepted(twoPrimaries({}, {}, argoCd({ repoURL })));
    expect(hasYamlScalar(tree['_argocd/application_argocd_mesh1-cluster1.yaml'], 'repoURL', repoURL)).toBe(true);
  });

  test('rejects a chartRepoURL with credentials', () => {
    const stderr = expectRejected(twoPrimaries({}, {}, argoCd({ chartRepoURL: 'https://u:p4ss@charts.example.com/istio' })), { field: 'argoCd.chartRepoURL', contains: ['password'] });
    expect(stderr).not.toContain('p4ss');
  });
});
