import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { ARGOCD_HEALTH_CHECKS_FILE, loadTopologyFile, meshFromTopology, DEFAULT_TOPOLOGY, Mesh, parseYamlDocuments, renderMesh } from '../src';
import { exampleFiles } from './support/mesh';

const identity = (o: any) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const byIdentity = (objs: any[]) => Object.fromEntries(objs.map((o) => [identity(o), o]));

/**
 * Our writer skips cdk8s's App.synth (quadratic in charts, slow YAML) for speed. These tests prove it
 * emits exactly the objects cdk8s's own App.synth emits for the same model.
 */
describe('the fast path emits the same objects as cdk8s App.synth', () => {
  test.each([['default topology', ''], ...exampleFiles().map((f) => [path.basename(f), f])])('%s', (_name, file) => {
    const build = (app: App): Mesh => (file ? loadTopologyFile(app, 'mesh', file) : meshFromTopology(app, 'mesh', DEFAULT_TOPOLOGY));

    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plain-'));
    const plainApp = new App({ outdir });
    build(plainApp).build();
    plainApp.synth();
    // cdk8s writes one file per chart, named after the chart's path (mesh/<cluster>, mesh/ArgoCdApplications).
    const group = (file: string) => /^mesh-(.+)-[0-9a-f]{8}\.k8s\.yaml$/.exec(file)![1].replace(/^argocdapplications$/, '_argocd');
    const plain: Record<string, any[]> = {};
    for (const f of fs.readdirSync(outdir)) plain[group(f)] = parseYamlDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')) as any[];

    const ours: Record<string, any[]> = {};
    for (const f of renderMesh(build(new App()))) {
      // The argocd-cm health-check patch is a file to merge into Argo CD's own ConfigMap, not an object of the app.
      if (!f.path.endsWith('.yaml') || f.path.endsWith('kustomization.yaml') || f.path.startsWith('_install-inputs/') || f.path.startsWith('_vm/') || f.path.endsWith(ARGOCD_HEALTH_CHECKS_FILE)) continue;
      // cdk8s lowercases chart file names (cluster "Kubernetes" → mesh-kubernetes-….k8s.yaml).
      const g = f.path.split('/')[0].toLowerCase();
      ours[g] = [...(ours[g] ?? []), ...parseYamlDocuments(f.content)];
    }

    expect(Object.keys(ours).sort()).toEqual(Object.keys(plain).sort());
    for (const g of Object.keys(plain)) {
      expect(ours[g].length).toBe(plain[g].length);
      expect(byIdentity(ours[g])).toEqual(byIdentity(plain[g]));
    }
    const all = Object.values(ours).flat();
    expect(all.every((o) => o.kind === 'Application' || o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] !== undefined)).toBe(true);
  });
});
