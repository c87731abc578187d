/**
 * The remote-secret kubeconfig is an object written by the YAML emitter, never text pasted together: a
 * hostile or merely unusual cluster name, API server or TLS server name comes out as exactly that string
 * in client-go (checked with `kubectl config view`, which loads kubeconfigs as istiod does), and the
 * External Secrets template renders into exactly the kubeconfig `istioctl create-remote-secret` writes.
 */
import { kubeconfigTemplate, RemoteClusterAccess, remoteKubeconfig } from '../src/remote-secret';
import { toYaml } from '../src/output/yaml';
import { ADVERSARIAL, Random, randomString } from './support/adversarial-strings';
import { renderEsoTemplate } from './support/eso-template';
import { KUBECTL, loadKubeconfigs } from './support/go-yaml';

const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6aXN0aW8tc3lzdGVtOmlzdGlvLXJlYWRlci1zZXJ2aWNlLWFjY291bnQifQ.c2lnbmF0dXJlLWZvci10ZXN0cw';
const CA = '-----BEGIN CERTIFICATE-----\nMIIBfakeCAforTests\n-----END CERTIFICATE-----\n';
const CA_DATA = Buffer.from(CA).toString('base64');

// Cluster names YAML 1.1 reads as booleans, nulls, numbers or timestamps (issue 9), and other oddities.
const NAMES = ['yes', 'on', 'null', '0x1f', '1e3', '012', 'y', 'n', 'No', 'OFF', '~', '0X1F', '0o17', '0B11', '1_000', '.inf', '-.5', '+1',
  'true', '1:20', '2001-12-14', '<<', '=', '-', '---', '#x', 'a b', 'a: b', "it's", '"q"', '*a', '&a', '!t', '%x', '@x', '[a]', '{a}'];
// API servers and TLS server names trying to add kubeconfig fields or hide part of themselves (issue 9).
const SERVERS = ['https://c2.example.com:6443?x\n    insecure-skip-tls-verify: true', 'https://c2.example.com:6443\n    proxy-url: http://evil',
  'https://h:6443/#x', 'https://h:6443 #x', 'https:host:6443', 'https:///host', 'https://h\t:6443', 'https://user:pass@h:6443', "https://h:6443/'x'",
  'https://h:6443/"x"', 'https://h:6443\r\ninsecure-skip-tls-verify: true', 'https://h:6443\u2028x: y', 'https://h:6443/\x85', '0x1f', 'yes', ''];

function accesses(): RemoteClusterAccess[] {
  const list: RemoteClusterAccess[] = NAMES.map((cluster) => ({ cluster, apiServer: `https://${cluster}.example.com:6443`, tlsServerName: cluster }));
  SERVERS.forEach((apiServer, i) => list.push({ cluster: `server-${i}`, apiServer, tlsServerName: i % 2 ? apiServer : undefined }));
  const r = new Random(0xc0ffee);
  const seen = new Set(list.map((a) => a.cluster));
  while (list.length < 200) {
    const cluster = r.chance(0.5) ? r.pick(ADVERSARIAL) + randomString(r) : randomString(r);
    if (cluster === '' || seen.has(cluster)) continue;
    seen.add(cluster);
    list.push({ cluster, apiServer: randomString(r), tlsServerName: r.chance(0.5) ? randomString(r) : undefined });
  }
  return list;
}

const ACCESSES = accesses();
const hasDelimiter = (a: RemoteClusterAccess) => [a.cluster, a.apiServer, a.tlsServerName ?? ''].some((s) => s.includes('{{') || s.includes('}}'));

/** What client-go must load for one access: the istioctl kubeconfig's entries. */
function expectedEntries(a: RemoteClusterAccess) {
  return {
    cluster: { name: a.cluster, cluster: { 'certificate-authority-data': CA_DATA, 'server': a.apiServer, ...(a.tlsServerName ? { 'tls-server-name': a.tlsServerName } : {}) } },
    context: { name: a.cluster, context: { cluster: a.cluster, user: a.cluster } },
    user: { name: a.cluster, user: { token: TOKEN } },
  };
}

/** JSON with object keys sorted (client-go prints its own field order). */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x !== null && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));
}

/** Loads kubeconfig texts (one per access) with client-go and returns the mismatching accesses, readably. */
function mismatches(list: RemoteClusterAccess[], texts: string[]): string[] {
  const loaded = loadKubeconfigs(texts);
  const by = (xs: any[]) => new Map((xs ?? []).map((x) => [x.name, x]));
  const [clusters, contexts, users] = [by(loaded.clusters), by(loaded.contexts), by(loaded.users)];
  return list.flatMap((a, i) => {
    const want = expectedEntries(a);
    const got = { cluster: clusters.get(a.cluster), context: contexts.get(a.cluster), user: users.get(a.cluster) };
    return canonical(got) === canonical(want) ? [] : [`${JSON.stringify(a)}\n--- written:\n${texts[i]}--- loaded: ${JSON.stringify(got)}`];
  }).slice(0, 5);
}

describe('the remote-secret kubeconfig', () => {
  test('has istioctl create-remote-secret\'s keys in its order', () => {
    const k = remoteKubeconfig({ cluster: 'c', apiServer: 'https://c:6443', tlsServerName: 't' }, CA_DATA, TOKEN) as any;
    expect(Object.keys(k)).toEqual(['apiVersion', 'clusters', 'contexts', 'current-context', 'kind', 'users']);
    expect(Object.keys(k.clusters[0])).toEqual(['cluster', 'name']);
    expect(Object.keys(k.clusters[0].cluster)).toEqual(['certificate-authority-data', 'server', 'tls-server-name']);
    expect(Object.keys((remoteKubeconfig({ cluster: 'c', apiServer: 'https://c:6443' }, CA_DATA, TOKEN) as any).clusters[0].cluster)).toEqual(['certificate-authority-data', 'server']);
  });

  test('the template: the two expressions single-quoted, the model values written by the emitter', () => {
    expect(kubeconfigTemplate({ cluster: 'yes', apiServer: 'https://a.example.com:6443', tlsServerName: '0x1f' }, 'token', 'ca.crt')).toBe([
      'apiVersion: v1',
      'clusters:',
      '  - cluster:',
      '      certificate-authority-data: \'{{ index . "ca.crt" | b64enc }}\'',
      '      server: https://a.example.com:6443',
      '      tls-server-name: \'0x1f\'',
      '    name: \'yes\'',
      'contexts:',
      '  - context:',
      '      cluster: \'yes\'',
      '      user: \'yes\'',
      '    name: \'yes\'',
      'current-context: \'yes\'',
      'kind: Config',
      'users:',
      '  - name: \'yes\'',
      '    user:',
      '      token: \'{{ index . "token" }}\'',
      '',
    ].join('\n'));
  });

  test('a template delimiter in a model value never reaches the template: the builder throws, naming the field', () => {
    const base = { cluster: 'c', apiServer: 'https://c:6443' };
    expect(() => kubeconfigTemplate({ ...base, apiServer: 'https://c:6443?t={{ .token }}' }, 'token', 'ca.crt')).toThrow(/apiServer .*template delimiter/);
    expect(() => kubeconfigTemplate({ ...base, apiServer: 'https://c:6443/}}' }, 'token', 'ca.crt')).toThrow(/apiServer/);
    expect(() => kubeconfigTemplate({ ...base, tlsServerName: 'a{{b' }, 'token', 'ca.crt')).toThrow(/tlsServerName/);
    expect(() => kubeconfigTemplate({ ...base, cluster: 'c{{' }, 'token', 'ca.crt')).toThrow(/clusterName/);
    expect(() => kubeconfigTemplate(base, 'to"ken', 'ca.crt')).toThrow(/data key/);
    expect(() => kubeconfigTemplate(base, 'token', 'ca.crt }}{{')).toThrow(/data key/);
    // A single brace next to the emitter's quote cannot form a delimiter either.
    const t = kubeconfigTemplate({ cluster: 'c', apiServer: 'https://c:6443/{', tlsServerName: '}' }, 'token', 'ca.crt');
    expect(t.split('{{').length - 1).toBe(2);
    expect(t.split('}}').length - 1).toBe(2);
  });

  test(`${ACCESSES.length} hostile accesses: every template holds exactly the two actions, or the builder threw`, () => {
    for (const a of ACCESSES) {
      if (hasDelimiter(a)) {
        expect(() => kubeconfigTemplate(a, 'token', 'ca.crt')).toThrow(/template delimiter/);
      } else {
        const t = kubeconfigTemplate(a, 'token', 'ca.crt');
        expect(t.match(/\{\{/g)).toHaveLength(2);
        expect(t.match(/\}\}/g)).toHaveLength(2);
      }
    }
    expect(ACCESSES.filter((a) => !hasDelimiter(a)).length).toBeGreaterThan(150);
  });

  describe(KUBECTL ? 'as client-go loads it (kubectl config view)' : 'as client-go loads it: SKIPPED, kubectl is not on PATH', () => {
    const goTest = KUBECTL ? test : test.skip;
    if (!KUBECTL) console.warn('remote-kubeconfig: kubectl not found on PATH: the client-go checks are skipped');

    goTest('written by the emitter, every hostile name, server and TLS server name loads as exactly that string', () => {
      const texts = ACCESSES.map((a) => toYaml(remoteKubeconfig(a, CA_DATA, TOKEN)));
      expect(mismatches(ACCESSES, texts)).toEqual([]);
    });

    goTest('rendered as External Secrets renders the template, it loads as exactly the istioctl kubeconfig', () => {
      const list = ACCESSES.filter((a) => !hasDelimiter(a));
      const texts = list.map((a, i) => renderEsoTemplate(kubeconfigTemplate(a, i % 2 ? 'token' : `${i}-token`, i % 2 ? 'ca.crt' : `${i}-ca.crt`),
        i % 2 ? { 'token': TOKEN, 'ca.crt': CA } : { [`${i}-token`]: TOKEN, [`${i}-ca.crt`]: CA }));
      expect(mismatches(list, texts)).toEqual([]);
    });

    goTest('the old string template was injectable: the same server would have set insecure-skip-tls-verify (regression guard)', () => {
      const server = SERVERS[0];
      const pasted = `apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ${CA_DATA}\n    server: ${server}\n  name: old\nkind: Config\n`;
      const loaded = loadKubeconfigs([pasted]);
      expect(loaded.clusters[0].cluster['insecure-skip-tls-verify']).toBe(true);
      expect(mismatches([ACCESSES[NAMES.length]], [toYaml(remoteKubeconfig(ACCESSES[NAMES.length], CA_DATA, TOKEN))])).toEqual([]);
    });
  });
});
