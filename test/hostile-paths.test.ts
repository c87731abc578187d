import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { k8s } from '../src/k8s';
import { Mesh } from '../src/mesh';
import { renderMesh } from '../src/output/render';
import { expectAccepted, expectRejected, runSynth, workspaceWithOutput } from './support/hostile';
import { snapshotDir } from './support/mesh';
import { argoCd, hasYamlScalar, meshText, primary, twoPrimaries } from './support/topologies';

// Values that become file names or paths: the verification workloads' names, Argo CD's path and
// revision, the secret store's key prefix (issue 9).
describe('hostile paths: verification workloads', () => {
  test('a helloworldVersion that would overwrite another cluster\'s kustomization is rejected, and nothing is written', () => {
    const text = twoPrimaries({}, { verificationWorkloads: { helloworldVersion: 'v2/../../../cluster1/kustomization' } });
    expectRejected(text, {
      cluster: 'cluster2', field: 'verificationWorkloads.helloworldVersion',
      contains: ['"v2/../../../cluster1/kustomization"', 'helloworld-<version>', 'DNS-1123 label'],
    });
  });

  test('the same topology written into an empty outdir creates nothing', () => {
    const { dir } = workspaceWithOutput();
    const outdir = path.join(dir, 'fresh');
    const file = path.join(dir, 'topology.yaml');
    fs.writeFileSync(file, twoPrimaries({}, { verificationWorkloads: { helloworldVersion: '../../x' } }));
    expect(runSynth({ CDK8S_OUTDIR: outdir, MESH_TOPOLOGY: file }).code).toBe(1);
    expect(fs.existsSync(outdir) ? Object.keys(snapshotDir(outdir)) : []).toEqual([]);
  });

  test.each([
    ['uppercase', 'V1', ['e.g. "v1"']],
    ['a dot', 'v1.0', ['e.g. "v1-0"']],
    ['too long for helloworld-<version>', 'v'.repeat(53), ['at most 52 characters']],
    ['empty', '', ['e.g. "v1"']],
    ['a newline', 'v1\nkind: Secret', ['"v1\\nkind: Secret"']],
  ])('rejects a helloworldVersion that is %s', (_what, helloworldVersion, contains) => {
    expectRejected(twoPrimaries({}, { verificationWorkloads: { helloworldVersion } }), { cluster: 'cluster2', field: 'verificationWorkloads.helloworldVersion', contains });
  });

  test.each([
    ['a path', 'sample/../../cluster1', ['"sample/../../cluster1"', 'DNS-1123 label']],
    ['uppercase', 'Sample', ['e.g. "sample"']],
    ['the control plane\'s namespace', 'istio-system', ['already uses']],
  ])('rejects a namespace that is %s', (_what, namespace, contains) => {
    expectRejected(twoPrimaries({}, { verificationWorkloads: { namespace, helloworldVersion: 'v2' } }), { cluster: 'cluster2', field: 'verificationWorkloads.namespace', contains });
  });

  test('accepts a 52-character version and a custom namespace', () => {
    const version = `v${'1'.repeat(51)}`;
    const tree = expectAccepted(twoPrimaries({}, { verificationWorkloads: { namespace: 'mesh-check', helloworldVersion: version } }));
    expect(Object.keys(tree)).toContain(`cluster2/60-workloads/deployment_mesh-check_helloworld-${version}.yaml`);
  });
});

describe('hostile paths: Argo CD', () => {
  test.each([
    ['a ".." segment', '../other-repo-dir', ['the segment ".."', 'write "other-repo-dir"']],
    ['an absolute path', '/dist', ['leading "/"', 'write "dist"']],
    ['an empty segment', 'deploy//dist', ['empty segment', 'write "deploy/dist"']],
    ['a trailing slash', 'dist/', ['empty segment', 'write "dist"']],
    ['an empty path', '', ['e.g. "dist"']],
    ['a "." segment', './dist', ['the segment "."']],
    ['a newline', 'dist\nkind: Secret', ['"dist\\nkind: Secret"']],
  ])('rejects a path with %s', (_what, p, contains) => {
    expectRejected(twoPrimaries({}, {}, argoCd({ path: p })), { field: 'argoCd.path', contains });
  });

  test('accepts a nested path and writes each cluster\'s directory under it', () => {
    const tree = expectAccepted(twoPrimaries({}, {}, argoCd({ path: 'deploy/mesh-1.x/dist' })));
    expect(hasYamlScalar(tree['_argocd/application_argocd_mesh1-cluster2.yaml'], 'path', 'deploy/mesh-1.x/dist/cluster2')).toBe(true);
  });

  test.each([
    ['a space', 'main branch', ['U+0020']],
    ['a newline', 'main\nproject: x', ['U+000A']],
    ['a leading dash (read as an option)', '-main', ['starts with "-"']],
    ['".."', 'main..dev', ['".."']],
    ['empty', '', ['is empty']],
  ])('rejects a targetRevision with %s', (_what, targetRevision, contains) => {
    expectRejected(twoPrimaries({}, {}, argoCd({ targetRevision })), { field: 'argoCd.targetRevision', contains });
  });

  test.each(['main', 'v1.2.0', 'release/1.30', '0123456789abcdef0123456789abcdef01234567', 'v1.0.0+build.5'])('accepts the targetRevision %s', (targetRevision) => {
    const tree = expectAccepted(twoPrimaries({}, {}, argoCd({ targetRevision })));
    expect(hasYamlScalar(tree['_argocd/application_argocd_mesh1-cluster1.yaml'], 'targetRevision', targetRevision)).toBe(true);
  });
});

describe('hostile paths: secret store key prefix', () => {
  test.each(['istio/../other-team', 'istio//mesh1', 'istio/./mesh1'])('rejects %s', (keyPrefix) => {
    expectRejected(meshText([primary('cluster1'), primary('cluster2')], { secretStore: { name: 'mesh-secrets', keyPrefix } }), {
      field: 'secretStore.keyPrefix', contains: [JSON.stringify(keyPrefix), 'never "." or ".."'],
    });
  });
});

describe('hostile paths: objects users add themselves', () => {
  test('an object whose name could leave its folder cannot name an output file', () => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' } });
    const cluster = mesh.addCluster('cluster1', { network: mesh.addNetwork('network1') });
    new k8s.KubeConfigMap(cluster, 'Mine', { metadata: { name: '../../cluster2/kustomization', namespace: 'default' } });
    expect(() => renderMesh(mesh)).toThrow(/ConfigMap "..\/..\/cluster2\/kustomization" cannot name an output file/);
  });

  test('RBAC names with ":" (valid in Kubernetes) are written', () => {
    const mesh = new Mesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' } });
    const cluster = mesh.addCluster('cluster1', { network: mesh.addNetwork('network1') });
    new k8s.KubeClusterRole(cluster, 'Mine', { metadata: { name: 'system:my-reader' } });
    expect(renderMesh(mesh).map((f) => f.path)).toContain('cluster1/60-workloads/clusterrole_system%3Amy-reader.yaml');
  });
});
