import * as fs from 'fs';
import * as path from 'path';
import {
  argoCdApplicationName, argoCdHealthChecks, ARGOCD_HEALTH_CHECKS_FILE, CERT_MANAGER_CHART, DEFAULT_TOPOLOGY, EXTERNAL_SECRETS_CHART,
  Mesh, parseYamlDocuments, PEER_CLUSTERS_ANNOTATION, readTopologyFile, renderMesh,
} from '../src';
import { expectRejected } from './support/hostile';
import { exampleFiles, meshOf, objectsByCluster, PROJECT_ROOT } from './support/mesh';
import { expectValid } from './support/schema-validator';

const example = (name: string) => meshOf(readTopologyFile(path.join(PROJECT_ROOT, 'examples', name)));
const argo = (mesh: Mesh) => renderMesh(mesh).filter((f) => f.path.startsWith('_argocd/') && f.path.endsWith('.yaml') && !f.path.endsWith('kustomization.yaml'));
const docs = (mesh: Mesh) => argo(mesh).filter((f) => !f.path.endsWith(ARGOCD_HEALTH_CHECKS_FILE)).flatMap((f) => parseYamlDocuments(f.content) as any[]);
const wave = (o: any) => Number(o.metadata.annotations['argocd.argoproj.io/sync-wave']);
const topologyYaml = (t: unknown) => JSON.stringify(t);

// fengari: Lua 5.3 in plain JavaScript (an npm dev dependency), so no interpreter is needed on the machine.
// Argo CD runs health checks with gopher-lua (Lua 5.1); the checks we emit use only what both have.
const fengari: any = require('fengari');

/** Runs a Lua chunk and returns its one result as a string. */
function runLua(program: string): string {
  const { lua, lauxlib, lualib, to_luastring, to_jsstring } = fengari;
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  if (lauxlib.luaL_loadstring(L, to_luastring(program)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
    throw new Error(`Lua failed: ${to_jsstring(lua.lua_tostring(L, -1))}`);
  }
  return to_jsstring(lua.lua_tostring(L, -1));
}

/** Runs an Argo CD health check (Lua) on an object, given to the script as the global `obj` like Argo CD does. */
function health(script: string, obj: unknown): { status: string; message: string } {
  // The object becomes a Lua table literal, as Argo CD converts the unstructured object into a table.
  const toLua = (v: any): string => {
    if (v === null || v === undefined) return 'nil';
    if (Array.isArray(v)) return `{${v.map(toLua).join(',')}}`;
    if (typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `[${JSON.stringify(k)}]=${toLua(x)}`).join(',')}}`;
    return typeof v === 'string' ? JSON.stringify(v) : String(v);
  };
  const program = `obj = ${toLua(obj)}\nlocal check = load([==[${script}]==])\nlocal hs = check()\nreturn hs.status .. "\\t" .. (hs.message or "")\n`;
  const [status, message] = runLua(program).split('\t');
  return { status, message };
}

describe('Argo CD health checks we emit (argocd-cm), run in Lua', () => {
  const checks = argoCdHealthChecks(true);
  const cond = (type: string, status: string, extra: any = {}) => ({ type, status, ...extra });

  test('Sail Istio: Ready gates, Reconciled False degrades, an older generation is still progressing, the remote profile needs no other cluster', () => {
    const istio = checks['resource.customizations.health.sailoperator.io_Istio'];
    const obj = (status: any, spec: any = {}) => ({ metadata: { name: 'default', generation: 2 }, spec, status });
    expect(health(istio, obj(undefined)).status).toBe('Progressing');
    expect(health(istio, obj({ observedGeneration: 2, conditions: [cond('Reconciled', 'True'), cond('Ready', 'False', { reason: 'IstiodNotReady', message: 'istiod not ready' })] }))).toEqual({ status: 'Progressing', message: 'istiod not ready' });
    expect(health(istio, obj({ observedGeneration: 2, conditions: [cond('Reconciled', 'True'), cond('Ready', 'True')] })).status).toBe('Healthy');
    expect(health(istio, obj({ observedGeneration: 1, conditions: [cond('Reconciled', 'True'), cond('Ready', 'True')] })).status).toBe('Progressing');
    expect(health(istio, obj({ observedGeneration: 2, conditions: [cond('Reconciled', 'False', { message: 'bad values' })] }))).toEqual({ status: 'Degraded', message: 'bad values' });
    expect(health(istio, obj({ observedGeneration: 2, conditions: [cond('Reconciled', 'True'), cond('Ready', 'False', { reason: 'RemoteIstiodNotReady' })] }, { profile: 'remote' })).status).toBe('Healthy');
  });

  test('ExternalSecret: the built-in outcome, except links to other clusters, which never hold a sync', () => {
    const es = checks['resource.customizations.health.external-secrets.io_ExternalSecret'];
    const obj = (status: any, annotations?: any) => ({ metadata: { name: 'x', ...(annotations ? { annotations } : {}) }, spec: {}, status });
    expect(health(es, obj(undefined)).status).toBe('Progressing');
    expect(health(es, obj({ conditions: [cond('Ready', 'True')] })).status).toBe('Healthy');
    expect(health(es, obj({ conditions: [cond('Ready', 'False', { message: 'key not found' })] }))).toEqual({ status: 'Degraded', message: 'key not found' });
    const link = health(es, obj({ conditions: [cond('Ready', 'False', { message: 'key not found' })] }, { [PEER_CLUSTERS_ANNOTATION]: 'cluster3' }));
    expect(link.status).toBe('Healthy');
    expect(link.message).toContain('cluster3');
    expect(health(es, obj(undefined, { [PEER_CLUSTERS_ANNOTATION]: 'cluster3' })).status).toBe('Healthy');
  });

  test('Application: the child\'s own health, Progressing until it has one', () => {
    const app = checks['resource.customizations.health.argoproj.io_Application'];
    expect(health(app, { metadata: {}, status: {} }).status).toBe('Progressing');
    expect(health(app, { metadata: {}, status: { health: { status: 'Degraded', message: 'x' } } })).toEqual({ status: 'Degraded', message: 'x' });
    expect(health(app, { metadata: {}, status: { health: { status: 'Healthy' } } }).status).toBe('Healthy');
  });

  test('the file to merge into argocd-cm: the checks of the install method, outside the kustomization', () => {
    const helm = argo(meshOf(DEFAULT_TOPOLOGY));
    const file = helm.find((f) => f.path === `_argocd/${ARGOCD_HEALTH_CHECKS_FILE}`)!;
    const cm = parseYamlDocuments(file.content)[0] as any;
    expect(cm.metadata).toEqual({ name: 'argocd-cm', namespace: 'argocd' });
    expect(Object.keys(cm.data).sort()).toEqual(['resource.customizations.health.argoproj.io_Application', 'resource.customizations.health.external-secrets.io_ExternalSecret']);
    expect(file.content).toContain('kubectl -n argocd patch configmap argocd-cm --type merge --patch-file');
    const kustomization = renderMesh(meshOf(DEFAULT_TOPOLOGY)).find((f) => f.path === '_argocd/kustomization.yaml')!.content;
    expect(kustomization).not.toContain(ARGOCD_HEALTH_CHECKS_FILE);
    const sail = argo(example('external-control-plane.yaml')).find((f) => f.path.endsWith(ARGOCD_HEALTH_CHECKS_FILE))!;
    expect(Object.keys((parseYamlDocuments(sail.content)[0] as any).data)).toContain('resource.customizations.health.sailoperator.io_Istio');
  });
});

describe('Applications', () => {
  test('Server-Side Diff with server-side apply on every Application; valid against the pinned CRDs', () => {
    for (const f of exampleFiles()) {
      const t = readTopologyFile(f) as any;
      // Istio's default cluster ID "Kubernetes" (examples/vm-single-network.yaml) is valid only without Argo CD.
      if ((t.clusters as any[]).some((c) => c.clusterName !== c.clusterName.toLowerCase())) continue;
      const all = docs(meshOf({ ...t, argoCd: t.argoCd ?? { repoURL: 'https://git.example.com/m.git', project: 'p1' } }));
      expectValid(all);
      for (const a of all.filter((o) => o.kind === 'Application')) {
        expect(a.metadata.annotations['argocd.argoproj.io/compare-options']).toBe('ServerSideDiff=true');
        expect(a.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
      }
    }
  });

  test('resources finalizer: off by default, on every Application when asked', () => {
    for (const a of docs(meshOf(DEFAULT_TOPOLOGY))) expect(a.metadata.finalizers).toBeUndefined();
    const apps = docs(example('multi-primary-remotes-multi-network.yaml')).filter((o) => o.kind === 'Application');
    expect(apps.length).toBeGreaterThan(5);
    for (const a of apps) expect(a.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
  });

  test('names: at most 63 characters, shortened deterministically with a hash, unique', () => {
    expect(argoCdApplicationName('mesh1', 'cluster1')).toBe('mesh1-cluster1');
    const long = argoCdApplicationName('a-very-long-mesh-identifier-for-production', 'a-cluster-name-that-is-long-too-external-secrets');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^a-very-long-mesh-identifier-for-production-a-cluster-n-[0-9a-f]{8}$/);
    expect(argoCdApplicationName('a-very-long-mesh-identifier-for-production', 'a-cluster-name-that-is-long-too-external-secrets')).toBe(long);
    expect(argoCdApplicationName('a-very-long-mesh-identifier-for-production', 'a-cluster-name-that-is-long-too-cert-manager')).not.toBe(long);
    const t = { ...DEFAULT_TOPOLOGY, meshID: 'production-mesh-with-a-long-name', clusters: DEFAULT_TOPOLOGY.clusters.map((c) => ({ ...c, clusterName: `${c.clusterName}-in-region-europe-west` })) };
    const names = docs(meshOf(t)).map((o) => o.metadata.name);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(63);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('AppProject (project other than default)', () => {
  test('emitted before every Application, with the repositories, destinations and cluster-scoped kinds the output needs', () => {
    const mesh = example('primary-remote.yaml');
    const all = docs(mesh);
    const project = all.find((o) => o.kind === 'AppProject');
    expect(project.metadata).toMatchObject({ name: 'mesh', namespace: 'argocd' });
    for (const a of all.filter((o) => o.kind === 'Application')) {
      expect(a.spec.project).toBe('mesh');
      expect(wave(project)).toBeLessThan(wave(a));
      for (const s of a.spec.sources) expect(project.spec.sourceRepos).toContain(s.repoURL);
      expect(project.spec.destinations).toContainEqual(a.spec.destination);
    }
    expect(project.spec.sourceRepos).toEqual(expect.arrayContaining(['https://istio-release.storage.googleapis.com/charts', EXTERNAL_SECRETS_CHART.repoURL]));
    // Every cluster-scoped object of the output, plus what the charts render.
    const objects = objectsByCluster(mesh);
    const allowed = (group: string, kind: string) => project.spec.clusterResourceWhitelist.some((k: any) => k.group === group && k.kind === kind);
    for (const o of Object.values(objects).flat().filter((x) => !x.metadata.namespace)) {
      const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
      expect({ kind: o.kind, allowed: allowed(group, o.kind) }).toEqual({ kind: o.kind, allowed: true });
    }
    for (const [g, k] of [['apiextensions.k8s.io', 'CustomResourceDefinition'], ['admissionregistration.k8s.io', 'MutatingWebhookConfiguration']]) expect(allowed(g, k)).toBe(true);
    // Namespaces of every namespaced object are destinations of its cluster.
    for (const [cluster, objs] of Object.entries(objects)) {
      const app = all.find((a) => a.kind === 'Application' && a.metadata.name === `mesh1-${cluster}`);
      const dest = { ...app.spec.destination };
      delete dest.namespace;
      for (const o of objs.filter((x) => x.metadata.namespace)) expect(project.spec.destinations).toContainEqual({ ...dest, namespace: o.metadata.namespace });
    }
  });

  test('the operators\' namespaces are destinations too (cert-manager also writes its leader-election Roles to kube-system)', () => {
    const t = readTopologyFile(path.join(PROJECT_ROOT, 'examples', 'multi-primary-cert-manager.yaml')) as any;
    const project = docs(meshOf({ ...t, argoCd: { repoURL: 'https://git.example.com/m.git', project: 'mesh-prod' } })).find((o) => o.kind === 'AppProject');
    for (const ns of ['external-secrets', 'cert-manager', 'kube-system']) expect(project.spec.destinations).toContainEqual({ name: 'us-east', namespace: ns });
    expect(project.spec.sourceRepos).toEqual(expect.arrayContaining([EXTERNAL_SECRETS_CHART.repoURL, CERT_MANAGER_CHART.repoURL]));
  });

  test('none for the default project', () => {
    expect(docs(meshOf(DEFAULT_TOPOLOGY)).filter((o) => o.kind === 'AppProject')).toEqual([]);
  });
});

describe('prerequisite operators', () => {
  test('an Application per cluster and operator, pinned to the CRDs we validate against, in the wave before the mesh', () => {
    const crds = fs.readdirSync(path.join(PROJECT_ROOT, 'crds'));
    expect(crds).toContain(`external-secrets-${EXTERNAL_SECRETS_CHART.version}-externalsecrets.yaml`);
    expect(crds).toContain(`cert-manager-${CERT_MANAGER_CHART.version.replace(/^v/, '')}-certificates.yaml`);
    const all = docs(meshOf({ ...readTopologyFile(path.join(PROJECT_ROOT, 'examples', 'multi-primary-cert-manager.yaml')) as any, argoCd: { repoURL: 'https://git.example.com/m.git' } }));
    const apps = all.filter((o) => o.kind === 'Application');
    const mesh = apps.filter((a) => a.spec.sources.some((s: any) => s.path));
    for (const a of mesh) {
      const cluster = a.metadata.labels['istio.io/cluster'];
      for (const chart of [EXTERNAL_SECRETS_CHART, CERT_MANAGER_CHART]) {
        const pre = apps.find((x) => x.metadata.name === `mesh-prod-${cluster}-${chart.suffix}`);
        expect(pre.spec.sources).toEqual([{ repoURL: chart.repoURL, chart: chart.chart, targetRevision: chart.version, helm: { releaseName: chart.chart, valuesObject: chart.values } }]);
        expect(pre.spec.destination).toEqual({ ...a.spec.destination, namespace: chart.namespace });
        expect(pre.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
        expect(wave(pre)).toBeLessThan(wave(a));
      }
    }
    // No cert-manager where the trust source does not use it.
    expect(docs(meshOf(DEFAULT_TOPOLOGY)).filter((o) => o.metadata.name.endsWith('cert-manager'))).toEqual([]);
  });

  test('installed by your own Application: its sync wave orders the mesh, and without it synth refuses', () => {
    const t = (p: unknown) => ({ ...DEFAULT_TOPOLOGY, argoCd: { ...DEFAULT_TOPOLOGY.argoCd, prerequisites: { externalSecrets: p } } });
    expect(docs(meshOf(t({ install: 'appOfApps', syncWave: -5 }))).filter((o) => o.metadata.name.endsWith('external-secrets'))).toEqual([]);
    expectRejected(topologyYaml(t({ install: 'appOfApps' })), { field: 'argoCd.prerequisites.externalSecrets.syncWave', contains: ['appOfApps', 'preinstalled'] });
    expectRejected(topologyYaml(t({ install: 'appOfApps', syncWave: 0 })), { field: 'argoCd.prerequisites.externalSecrets.syncWave', contains: ['below 0'] });
    expectRejected(topologyYaml(t({ install: 'argocd', syncWave: -1 })), { field: 'argoCd.prerequisites.externalSecrets.syncWave', contains: ['only used with install "appOfApps"'] });
    expectRejected(topologyYaml(t({ install: 'helm' })), { field: 'argoCd.prerequisites.externalSecrets.install', contains: ['"helm"', 'argocd, preinstalled, appOfApps'] });
    expectRejected(topologyYaml(t({ install: 'appOfApps', syncWave: -1.5 })), { field: 'argoCd.prerequisites.externalSecrets.syncWave' });
  });
});

describe('remote secrets never hold a sync (defect 4)', () => {
  test.each(exampleFiles().map((f) => [path.basename(f), f]))('%s: the links are in the last wave and name the peer they wait for', (_name, file) => {
    const mesh = meshOf(readTopologyFile(file));
    const objects = objectsByCluster(mesh);
    for (const e of mesh.endpointDiscovery.filter((x) => x.kind === 'remote')) {
      const links = objects[e.consumer.name].filter((o) => o.kind === 'ExternalSecret' && (o.metadata.annotations?.[PEER_CLUSTERS_ANNOTATION] ?? '').split(',').includes(e.source.name));
      expect({ edge: `${e.consumer.name}->${e.source.name}`, links: links.length }).toEqual({ edge: `${e.consumer.name}->${e.source.name}`, links: 1 });
      const last = Math.max(...objects[e.consumer.name].map(wave));
      expect(wave(links[0])).toBe(last);
    }
  });
});
