import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { VirtualService } from '../imports/istio-networking.istio.io';
import {
  Cluster, ClusterProps, DEFAULT_TOPOLOGY, loadTopologyFile, Mesh, MeshApp, MeshProps, meshFromTopology, MeshValidationError,
  Phase, renderMesh,
} from '../src';
import { k8s } from '../src/k8s';
import { runSynthApp } from '../src/synth-app';
import { snapshotDir } from './support/mesh';

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** A user's app: the default mesh in a MeshApp, the user's objects on a cluster, and a chart of their own. */
function userApp(outdir: string, extend: (mesh: Mesh, app: MeshApp) => void = () => undefined): MeshApp {
  const app = new MeshApp({ outdir });
  const mesh = meshFromTopology(app, 'mesh', DEFAULT_TOPOLOGY);
  extend(mesh, app);
  return app;
}

function problemsOfSynth(app: App): string {
  try {
    app.synth();
  } catch (e) {
    if (e instanceof MeshValidationError) return e.message;
    throw e;
  }
  throw new Error('app.synth() succeeded');
}

describe('MeshApp: plain app.synth() writes what the synth app writes', () => {
  test('the default topology: byte-identical to runSynthApp (phase folders, install inputs, Argo CD, README, marker)', () => {
    const ours = path.join(tmp('meshapp-'), 'dist');
    userApp(ours).synth();
    const theirs = path.join(tmp('synthapp-'), 'dist');
    expect(runSynthApp({ env: { CDK8S_OUTDIR: theirs }, stderr: () => undefined })).toBe(0);
    const tree = snapshotDir(ours);
    expect(tree).toEqual(snapshotDir(theirs));
    expect(Object.keys(tree)).toEqual(expect.arrayContaining([
      '.cdk8s-istio-multicluster', 'README.md', 'cluster1/kustomization.yaml', 'cluster1/00-namespaces/namespace_istio-system.yaml',
      '_install-inputs/cluster1/helm-values-istiod.yaml',
    ]));
  });

  test("the user's own chart goes to _charts/, their objects on a cluster into its phase folders; re-synth replaces the tree", () => {
    const outdir = path.join(tmp('meshapp-'), 'dist');
    const build = () => userApp(outdir, (mesh, app) => {
      const cluster = mesh.clusters[0];
      new k8s.KubeConfigMap(cluster, 'settings', { metadata: { name: 'team-settings', namespace: 'istio-system' }, data: { a: 'b' } });
      const chart = new Chart(app, 'team-chart');
      new k8s.KubeNamespace(chart, 'ns', { metadata: { name: 'team' } });
      new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'team-config', namespace: 'team' }, data: { k: 'v' } });
    });
    build().synth();
    const tree = snapshotDir(outdir);
    expect(tree['cluster1/60-workloads/configmap_istio-system_team-settings.yaml']).toContain("argocd.argoproj.io/sync-wave: '4'");
    expect(tree['cluster1/60-workloads/kustomization.yaml']).toContain('configmap_istio-system_team-settings.yaml');
    const chart = tree['_charts/team-chart.k8s.yaml'];
    expect(chart).toMatch(/^apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n---\napiVersion: v1\nkind: ConfigMap\n/);
    // A second synth replaces the output (the marker says it is ours, _charts is a folder of ours).
    build().synth();
    expect(snapshotDir(outdir)).toEqual(tree);
  });

  test('cdk8s App.synth() with an unbuilt mesh fails and points to MeshApp (instead of writing nothing)', () => {
    const app = new App({ outdir: path.join(tmp('plainapp-'), 'dist') });
    meshFromTopology(app, 'mesh', DEFAULT_TOPOLOGY);
    expect(() => app.synth()).toThrow(/the mesh was not built.*new MeshApp\(\)/s);
  });

  test('an app without a mesh, or with two, is refused with a problem', () => {
    const none = new MeshApp({ outdir: path.join(tmp('meshapp-'), 'dist') });
    new Chart(none, 'only');
    expect(problemsOfSynth(none)).toMatch(/field "app": contains no Mesh.*Fix: add the mesh/);
    const two = userApp(path.join(tmp('meshapp-'), 'dist'), (_mesh, app) => { meshFromTopology(app, 'other', DEFAULT_TOPOLOGY); });
    expect(problemsOfSynth(two)).toMatch(/field "app".*contains 2 meshes/);
  });
});

describe('validation of what users add', () => {
  test('a custom resource with a misspelled field: a problem with the path and a did-you-mean; nothing written', () => {
    const outdir = path.join(tmp('meshapp-'), 'dist');
    userApp(outdir).synth();
    const before = snapshotDir(outdir);
    const app = userApp(outdir, (mesh) => {
      // A plain ApiObject: the generated L1 classes drop fields they do not know (their toJson copies known props).
      new ApiObject(mesh.clusters[0], 'vs', { ...VirtualService.GVK, metadata: { name: 'reviews', namespace: 'istio-system' }, spec: { hosts: ['reviews'], hostt: 'x' } } as any);
    });
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/cluster "cluster1", field "VirtualService\/istio-system\/reviews spec\.hostt": is an unknown field of VirtualService.*\(got "x"\).*Fix: did you mean "hosts"\?/);
    expect(snapshotDir(outdir)).toEqual(before);
  });

  test('a built-in kind with an unknown field and a user chart object with a wrong type: every problem at once', () => {
    const app = userApp(path.join(tmp('meshapp-'), 'dist'), (mesh, a) => {
      const cm = new ApiObject(mesh.clusters[1], 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'istio-system' } });
      cm.addJsonPatch(JsonPatch.add('/datta', { a: 'b' }));
      const chart = new Chart(a, 'mine');
      new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { ports: [{ port: 'eighty' }] } } as any);
    });
    const message = problemsOfSynth(app);
    expect(message).toMatch(/cluster "cluster2", field "ConfigMap\/istio-system\/x datta": .*unknown field.*did you mean "data"\?/);
    expect(message).toMatch(/field "Service\/default\/s spec\.ports\[0\]\.port": must be integer/);
  });

  test('objects in a namespace no output creates are reported; a namespace the user creates is accepted', () => {
    const app = userApp(path.join(tmp('meshapp-'), 'dist'), (mesh) => {
      new k8s.KubeConfigMap(mesh.clusters[0], 'cm', { metadata: { name: 'lost', namespace: 'nowhere' } });
      new k8s.KubeNamespace(mesh.clusters[1], 'ns', { metadata: { name: 'team' } });
      new k8s.KubeConfigMap(mesh.clusters[1], 'cm', { metadata: { name: 'found', namespace: 'team' } });
      new k8s.KubeConfigMap(mesh.clusters[1], 'sys', { metadata: { name: 'sys', namespace: 'kube-system' } });
    });
    const message = problemsOfSynth(app);
    expect(message).toMatch(/cluster "cluster1", field "ConfigMap\/nowhere\/lost metadata\.namespace": is a namespace that nothing in cluster "cluster1"'s output creates.*\(got "nowhere"\)/);
    expect(message).not.toMatch(/found|ConfigMap\/kube-system/);
  });
});

describe('extension points', () => {
  class TeamCluster extends Cluster {
    constructor(mesh: Mesh, name: string, props: ClusterProps) {
      super(mesh, name, props);
      new k8s.KubeConfigMap(this, 'team', { metadata: { name: 'team-marker', namespace: 'istio-system' } });
    }
  }
  class TeamMesh extends Mesh {
    public readonly created: string[] = [];
    constructor(scope: Construct, id: string, props: MeshProps) {
      super(scope, id, props);
    }
    protected createCluster(name: string, props: ClusterProps): Cluster {
      this.created.push(name);
      return new TeamCluster(this, name, props);
    }
  }

  test('the loader takes a mesh factory: a Mesh subclass from a file, whose Cluster subclass is rendered', () => {
    const file = path.join(tmp('topology-'), 'mesh.yaml');
    fs.writeFileSync(file, 'meshID: mesh1\nsecretStore: { name: mesh-secrets }\nclusters:\n  - { clusterName: east, network: n1, apiServer: https://east.example.com }\n  - { clusterName: west, network: n1, apiServer: https://west.example.com }\n');
    const mesh = loadTopologyFile(new App(), 'mesh', file, { meshFactory: (scope, id, props) => new TeamMesh(scope, id, props) });
    expect(mesh).toBeInstanceOf(TeamMesh);
    expect((mesh as TeamMesh).created).toEqual(['east', 'west']);
    const paths = renderMesh(mesh).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['east/60-workloads/configmap_istio-system_team-marker.yaml', 'west/60-workloads/configmap_istio-system_team-marker.yaml']));
  });

  test('a Cluster constructed directly (or a subclass) throws: it would never be rendered', () => {
    const mesh = meshFromTopology(new App(), 'mesh', DEFAULT_TOPOLOGY);
    const props = { network: mesh.networks[0] };
    expect(() => new Cluster(mesh, 'stray', props)).toThrow(/cluster "stray" was constructed directly.*mesh\.addCluster.*override createCluster/);
    expect(() => new TeamCluster(mesh, 'stray2', props)).toThrow(/constructed directly/);
    expect(mesh.clusters.map((c) => c.name)).not.toContain('stray');
  });

  test('Phase.assign applies at build time to objects added after it, the innermost assignment wins', () => {
    const mesh = meshFromTopology(new App(), 'mesh', DEFAULT_TOPOLOGY);
    const group = new Construct(mesh.clusters[0], 'group');
    Phase.assign(group, Phase.MESH_CONFIG);
    new k8s.KubeConfigMap(group, 'later', { metadata: { name: 'later', namespace: 'istio-system' } });
    const inner = new Construct(group, 'inner');
    Phase.assign(inner, Phase.ROUTES);
    new k8s.KubeConfigMap(inner, 'routes', { metadata: { name: 'inner', namespace: 'istio-system' } });
    const paths = renderMesh(mesh).map((f) => f.path);
    expect(paths).toContain('cluster1/50-mesh-config/configmap_istio-system_later.yaml');
    expect(paths).toContain('cluster1/70-routes/configmap_istio-system_inner.yaml');
  });

  test("a user's sync-wave annotation is authoritative: its phase's folder, or a folder of its own; Phase.custom", () => {
    const mesh = meshFromTopology(new App(), 'mesh', DEFAULT_TOPOLOGY);
    const c = mesh.clusters[0];
    new k8s.KubeConfigMap(c, 'early', { metadata: { name: 'early', namespace: 'istio-system', annotations: { 'argocd.argoproj.io/sync-wave': '-1' } } });
    new k8s.KubeConfigMap(c, 'late', { metadata: { name: 'late', namespace: 'istio-system', annotations: { 'argocd.argoproj.io/sync-wave': '9' } } });
    // Added later, and as a cdk8s Lazy (resolved only by toJson): both count as the user's.
    new k8s.KubeConfigMap(c, 'added', { metadata: { name: 'added', namespace: 'istio-system' } }).metadata.addAnnotation('argocd.argoproj.io/sync-wave', '4');
    new k8s.KubeConfigMap(c, 'lazy', { metadata: { name: 'lazy', namespace: 'istio-system', annotations: { 'argocd.argoproj.io/sync-wave': Lazy.any({ produce: () => '5' }) as unknown as string } } });
    const batch = Phase.custom('90-batch', 7);
    Phase.assign(new k8s.KubeConfigMap(c, 'batch', { metadata: { name: 'batch', namespace: 'istio-system' } }), batch);
    const files = Object.fromEntries(renderMesh(mesh).map((f) => [f.path, f.content]));
    expect(files['cluster1/10-trust/configmap_istio-system_early.yaml']).toContain("argocd.argoproj.io/sync-wave: '-1'");
    expect(files['cluster1/wave-9/configmap_istio-system_late.yaml']).toContain("argocd.argoproj.io/sync-wave: '9'");
    expect(files['cluster1/60-workloads/configmap_istio-system_added.yaml']).toContain("argocd.argoproj.io/sync-wave: '4'");
    expect(files['cluster1/70-routes/configmap_istio-system_lazy.yaml']).toContain("argocd.argoproj.io/sync-wave: '5'");
    expect(files['cluster1/90-batch/configmap_istio-system_batch.yaml']).toContain("argocd.argoproj.io/sync-wave: '7'");
    // The cluster's kustomization applies folders by wave: the user's after the remote secrets (wave 6).
    expect(files['cluster1/kustomization.yaml']).toMatch(/- 80-remote-secrets\n {2}- 90-batch\n {2}- wave-9\n$/);
    expect(() => Phase.custom('10-trust', 3)).toThrow(/is the folder of a built-in phase/);
    expect(() => Phase.custom('90-batch', 8)).toThrow(/differs from the wave 7/);
  });

  test('a sync-wave annotation that is not an integer is a problem', () => {
    const mesh = meshFromTopology(new App(), 'mesh', DEFAULT_TOPOLOGY);
    new k8s.KubeConfigMap(mesh.clusters[0], 'bad', { metadata: { name: 'bad', namespace: 'istio-system', annotations: { 'argocd.argoproj.io/sync-wave': 'soon' } } });
    expect(() => renderMesh(mesh)).toThrow(/field "ConfigMap\/bad metadata\.annotations\.argocd\.argoproj\.io\/sync-wave": is not an integer sync wave \(got "soon"\)/);
  });
});
