import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import type { Mesh } from '../src/mesh';
import { ARGOCD_HEALTH_CHECKS_FILE } from '../src/argocd-health';
import { renderMesh } from '../src/output/render';
import { parseYamlDocuments } from '../src/output/yaml';
import { synthesizeMesh } from '../src/synth';
import { MeshValidationError } from '../src/problem';
import { meshFromTopology } from '../src/topology/loader';
import { parseTopologyText } from '../src/topology/topology-text';
import { benchApplicationTopology, benchTopology, invalidBenchTopology, placeServices } from './topology';

/**
 * One measurement in a fresh process: `node lib/bench/run.js <ours|floor|cdk8s> <clusters>` (output under
 * BENCH_OUT_ROOT, default `.bench-out/` next to the project). Prints one
 * JSON line. Every mode produces the same objects for the same topology:
 * - ours: the full synth (topology → model → validation → render → atomic write of dist/), after a
 *   small warm-up synth.
 * - floor: JSON.stringify and write the same objects to the same files (model and render not timed).
 * - cdk8s: the same model, then cdk8s's own `App.synth()` writing them (one YAML file per chart).
 * - invalid: rejecting an invalid topology file (bench/topology.ts invalidBenchTopology): parse, schema,
 *   model and validation, up to the formatted error; `objects` is then the number of problems found.
 * - apps: the full synth of the application-heavy topology (benchApplicationTopology: services placed on
 *   every cluster with subsets, overrides, routes, locality and authorization), after a warm-up.
 */
type Mode = 'ours' | 'floor' | 'cdk8s' | 'invalid' | 'apps';

function peakRssMiB(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

function buildMesh(app: App, n: number): Mesh {
  const mesh = meshFromTopology(app, 'mesh', benchTopology(n));
  placeServices(mesh);
  return mesh;
}

/** Kubernetes objects in the output tree (cluster and Argo CD directories; see isObjectFile). */
function countObjects(files: { path: string; content: string }[]): number {
  return files.filter((f) => !f.path.startsWith('_install-inputs/') && isObjectFile(f.path)).length;
}

/**
 * A file holding one object of a chart: YAML, not a kustomization, not the argocd-cm health-check snippet
 * (a file for the user to merge, with no counterpart in the cdk8s mode).
 */
function isObjectFile(f: string): boolean {
  return f.endsWith('.yaml') && !f.endsWith('kustomization.yaml') && path.basename(f) !== ARGOCD_HEALTH_CHECKS_FILE;
}

/** Objects synth wrote to the cluster and Argo CD directories (see isObjectFile). */
function writtenObjects(out: string, mesh: Mesh): number {
  const argocd = path.join(out, '_argocd');
  return mesh.clusters.reduce((sum, c) => sum + fs.readdirSync(path.join(out, c.name), { recursive: true }).map(String).filter(isObjectFile).length, 0)
    + (fs.existsSync(argocd) ? fs.readdirSync(argocd).filter(isObjectFile).length : 0);
}

function main(): void {
  const mode = process.argv[2] as Mode;
  const n = Number(process.argv[3]);
  // BENCH_OUT_ROOT chooses the file system; bench.ts passes tmpfs by default (see there why).
  const scratch = process.env.BENCH_OUT_ROOT ?? path.join(__dirname, '..', '..', '.bench-out');
  fs.mkdirSync(scratch, { recursive: true });
  const out = path.join(fs.mkdtempSync(path.join(scratch, `${mode}-`)), 'dist');
  let objects = 0;
  let ms = 0;
  if (mode === 'invalid') {
    const text = invalidBenchTopology(n);
    const t0 = process.hrtime.bigint();
    try {
      const parsed = parseTopologyText(text, 'bench.json');
      meshFromTopology(new App(), 'mesh', parsed.data, 'bench.json', { sourceOf: parsed.sourceOf });
      throw new Error('the invalid topology was accepted');
    } catch (e) {
      if (!(e instanceof MeshValidationError)) throw e;
      objects = e.problems.length;
      if (e.message.length === 0) throw e;
    }
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stdout.write(JSON.stringify({ mode, clusters: n, objects, ms: Math.round(ms), rssMiB: peakRssMiB() }) + '\n');
    return;
  }
  if (mode === 'apps') {
    synthesizeMesh(meshFromTopology(new App(), 'mesh', benchApplicationTopology(2)), { outdir: `${out}-warmup` });
    const t0 = process.hrtime.bigint();
    const mesh = meshFromTopology(new App(), 'mesh', benchApplicationTopology(n));
    synthesizeMesh(mesh, { outdir: out });
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
    objects = writtenObjects(out, mesh);
  } else if (mode === 'ours') {
    // Warm-up: a 2-cluster synth first, so that the first calls' lazy compilation (~100 ms, the same for
    // every size) does not hide how the cost per object scales.
    synthesizeMesh(buildMesh(new App(), 2), { outdir: `${out}-warmup` });
    const t0 = process.hrtime.bigint();
    const mesh = buildMesh(new App(), n);
    synthesizeMesh(mesh, { outdir: out });
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
    objects = writtenObjects(out, mesh);
  } else if (mode === 'floor') {
    const files = renderMesh(buildMesh(new App(), n));
    objects = countObjects(files);
    // The same objects as JSON, to the same files.
    const docs = files.map((f) => ({ path: f.path, data: f.path.endsWith('.yaml') ? parseYamlDocuments(f.content) : f.content }));
    const t0 = process.hrtime.bigint();
    const dirs = new Set<string>();
    for (const d of docs) {
      const file = path.join(out, d.path);
      const dir = path.dirname(file);
      if (!dirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        dirs.add(dir);
      }
      fs.writeFileSync(file, JSON.stringify(d.data));
    }
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
  } else {
    const t0 = process.hrtime.bigint();
    const app = new App({ outdir: out });
    const mesh = buildMesh(app, n);
    mesh.build();
    app.synth();
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
    objects = fs.readdirSync(out).reduce((sum, f) => sum + parseYamlDocuments(fs.readFileSync(path.join(out, f), 'utf8')).length, 0);
  }
  process.stdout.write(JSON.stringify({ mode, clusters: n, objects, ms: Math.round(ms), rssMiB: peakRssMiB() }) + '\n');
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
}

main();
