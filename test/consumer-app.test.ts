/**
 * The library as a user gets it: `npm pack` of this checkout, installed (extracted, no symlink) into a
 * copy of examples/consumer-app, whose own main.ts is compiled and run by plain `cdk8s synth`.
 * The library's dependencies come from the npm cache (`--prefer-offline`: the registry only on a cold
 * cache); the TypeScript compiler and the cdk8s CLI are ours (node_modules/.bin), not installed again.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseYamlDocuments } from '../src';
import { runSynthApp } from '../src/synth-app';
import { PROJECT_ROOT, snapshotDir } from './support/mesh';

jest.setTimeout(600_000);

const EXAMPLE = path.join(PROJECT_ROOT, 'examples', 'consumer-app');
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CDK8S_OUTDIR: undefined, MESH_TOPOLOGY: undefined } });

let work: string;
let app: string;
let tree: Record<string, string>;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-app-'));
  run('npm', ['pack', '--pack-destination', work, '--ignore-scripts', '--silent'], PROJECT_ROOT);
  const tarball = fs.readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  app = path.join(work, 'app');
  fs.cpSync(EXAMPLE, app, { recursive: true, filter: (src) => !/[/\\](node_modules|vendor|dist)$/.test(src) && !/\.js$/.test(src) });
  fs.mkdirSync(path.join(app, 'vendor'));
  fs.renameSync(path.join(work, tarball), path.join(app, 'vendor', 'cdk8s-istio-multicluster.tgz'));
  // The tools come from our own node_modules; only the app's runtime dependencies are installed.
  const pkg = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8'));
  delete pkg.devDependencies;
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify(pkg, null, 2));
  run('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], app);
  run(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--skipLibCheck', '--typeRoots', path.join(PROJECT_ROOT, 'node_modules', '@types')], app);
  run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth'], app);
  tree = snapshotDir(path.join(app, 'dist'));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the library is installed from the tarball (a copy, not a link) with its compiled code and CRD schemas', () => {
  const installed = path.join(app, 'node_modules', 'cdk8s-istio-multicluster');
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, 'lib', 'src', 'index.js'))).toBe(true);
  expect(fs.readdirSync(path.join(installed, 'crds')).length).toBeGreaterThan(0);
  expect(fs.existsSync(path.join(installed, 'test'))).toBe(false);
});

test('cdk8s synth writes the mesh with phase folders, install inputs, Argo CD, README and marker', () => {
  expect(Object.keys(tree)).toEqual(expect.arrayContaining([
    '.cdk8s-istio-multicluster', 'README.md',
    'east/kustomization.yaml', 'east/00-namespaces/namespace_istio-system.yaml', 'east/40-gateways/deployment_istio-system_istio-eastwestgateway.yaml',
    'west/80-remote-secrets/externalsecret_istio-system_istio-remote-secret-east.yaml',
    '_install-inputs/east/helm-values-istiod.yaml', '_install-inputs/west/README.md',
    '_argocd/application_argocd_platform-east.yaml', '_argocd/kustomization.yaml',
  ]));
  // No flat cdk8s files: everything is in the mesh layout or in _charts/.
  expect(Object.keys(tree).filter((f) => f.endsWith('.k8s.yaml'))).toEqual(['_charts/platform-ops.k8s.yaml']);
  // The Argo CD Applications point at directories that exist.
  for (const cluster of ['east', 'west']) {
    const application = parseYamlDocuments(tree[`_argocd/application_argocd_platform-${cluster}.yaml`])[0] as any;
    const sources = application.spec.sources ?? [application.spec.source];
    const paths = sources.map((s: any) => s.path).filter(Boolean);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(Object.keys(tree).some((f) => f.startsWith(`${String(p).replace(/^dist\//, '')}/`))).toBe(true);
  }
});

test("the subclass's objects are in every cluster's phase folders, the custom gateway setting on the east-west Service", () => {
  for (const cluster of ['east', 'west']) {
    expect(tree[`${cluster}/00-namespaces/namespace_team-a.yaml`]).toContain('istio-injection: enabled');
    expect(parseYamlDocuments(tree[`${cluster}/60-workloads/configmap_team-a_team-settings.yaml`])[0]).toMatchObject({ data: { cluster } });
    expect(tree[`${cluster}/50-mesh-config/peerauthentication_team-a_team-a.yaml`]).toContain("argocd.argoproj.io/sync-wave: '3'");
    expect(tree[`${cluster}/60-workloads/kustomization.yaml`]).toContain('configmap_team-a_team-settings.yaml');
  }
  const service = parseYamlDocuments(tree['east/40-gateways/service_istio-system_istio-eastwestgateway.yaml'])[0] as any;
  expect(service.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internal');
});

test("the app's own chart is written beside the mesh, in _charts/", () => {
  expect(parseYamlDocuments(tree['_charts/platform-ops.k8s.yaml'])).toEqual([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'platform-ops' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'on-call', namespace: 'platform-ops' }, data: { team: 'platform' } },
  ]);
});

test('the install value overrides reach the Helm values and the Argo CD Applications, per-cluster over mesh-wide', () => {
  for (const cluster of ['east', 'west']) {
    const values = parseYamlDocuments(tree[`_install-inputs/${cluster}/helm-values-istiod.yaml`])[0] as any;
    expect(values.global.hub).toBe('registry.example.com/istio');
    expect(values.meshConfig.accessLogFile).toBe('/dev/stdout');
    const application = parseYamlDocuments(tree[`_argocd/application_argocd_platform-${cluster}.yaml`])[0] as any;
    const istiod = application.spec.sources.find((s: any) => s.chart === 'istiod');
    expect(istiod.helm.valuesObject.global.hub).toBe('registry.example.com/istio');
  }
  const west = parseYamlDocuments(tree['_install-inputs/west/helm-values-istiod.yaml'])[0] as any;
  const east = parseYamlDocuments(tree['_install-inputs/east/helm-values-istiod.yaml'])[0] as any;
  expect(west.replicaCount ?? west.pilot?.replicaCount).toBe(2);
  expect(east.replicaCount ?? east.pilot?.replicaCount).toBeUndefined();
});

test('install inputs and Argo CD files are exactly what our own synth app writes for the same topology', () => {
  const outdir = path.join(work, 'reference', 'dist');
  expect(runSynthApp({ env: { MESH_TOPOLOGY: path.join(app, 'mesh.yaml'), CDK8S_OUTDIR: outdir }, stderr: () => undefined })).toBe(0);
  const ours = snapshotDir(outdir);
  const shared = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([f]) => /^(_install-inputs|_argocd)\//.test(f) || f === '.cdk8s-istio-multicluster'));
  expect(shared(tree)).toEqual(shared(ours));
  expect(Object.keys(shared(tree)).length).toBeGreaterThan(10);
});
