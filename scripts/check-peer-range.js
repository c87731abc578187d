#!/usr/bin/env node
// Checks the peer dependency ranges of package.json (cdk8s, constructs) against a consumer app, outside
// `npm test` because it installs from the npm registry:
//
//   node scripts/check-peer-range.js                       the lowest and the highest versions each range allows
//   node scripts/check-peer-range.js --cdk8s 2.60.0 --constructs 10.1.0   one given pair (to look for the lowest)
//   (npm run check-peer-range -- ...)
//
// For each pair it packs this checkout (`npm pack`, the same tarball a user installs; lib/ is built first by
// scripts/build.js), installs the tarball with exactly that cdk8s and constructs (plus our TypeScript and
// @types/node) into a fresh temporary app, and then:
//   1. type-checks a consumer app with the tsconfig.json of `cdk8s init typescript-app` (copied from
//      cdk8s-cli's template: strict, lib es2016, no skipLibCheck, so our published .d.ts and the L1 classes
//      of imports/ are checked against that cdk8s), once with CommonJS resolution (how that template
//      resolves: `main`/`types`/`typesVersions`) and once with Node16 resolution (the `exports` map);
//   2. runs it (synthesizes the default mesh plus objects of its own into a directory) and checks the output;
//   3. runs the packaged synth command on the default topology and compares its output, byte for byte, with
//      this checkout's dist/, so that the outputs stay equal with that cdk8s.
// Prints one line per pair and step; exit code 1 when any pair fails. Temporary files go to the OS temp dir
// and are removed unless --keep is given.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** `tsconfig.json` of `cdk8s init typescript-app` (cdk8s-cli 2.207.60, templates/typescript-app). */
const CDK8S_INIT_TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true, declaration: true, experimentalDecorators: true, inlineSourceMap: true, inlineSources: true,
    lib: ['es2016'], module: 'CommonJS', noEmit: false, noEmitOnError: true, noFallthroughCasesInSwitch: true,
    noImplicitAny: true, noImplicitReturns: true, noImplicitThis: true, noUnusedLocals: true, noUnusedParameters: true,
    resolveJsonModule: true, strict: true, strictNullChecks: true, strictPropertyInitialization: true, stripInternal: true,
    target: 'ES2017',
  },
  include: ['main.ts'],
  exclude: ['node_modules'],
};

/** The consumer app: the library from the tarball, extended and synthesized the ways the README shows. */
const CONSUMER = `import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Cluster, DEFAULT_TOPOLOGY, Mesh, MeshProps, meshFromTopology, Phase, renderMesh, synthesizeMesh } from 'cdk8s-istio-multicluster';
import * as k8s from 'cdk8s-istio-multicluster/imports/k8s';
import { VirtualService } from 'cdk8s-istio-multicluster/imports/istio-networking.istio.io';

/** A subclass of Mesh, as a user extends it. */
class TeamMesh extends Mesh {
  constructor(scope: Construct, id: string, props: MeshProps) {
    super(scope, id, props);
  }
}

/** A construct of the user's own, placed in a cluster chart. */
function teamObjects(cluster: Cluster): void {
  const chart: Chart = cluster;
  new k8s.KubeConfigMap(chart, 'team-config', { metadata: { name: 'team-config', namespace: 'sample' }, data: { owner: 'team-a' } });
  new VirtualService(chart, 'team-route', {
    metadata: { name: 'team-route', namespace: 'sample' },
    spec: { hosts: ['helloworld.sample.svc.cluster.local'], http: [{ route: [{ destination: { host: 'helloworld.sample.svc.cluster.local' } }] }] },
  });
  const objects: ApiObject[] = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  if (objects.length === 0) throw new Error('no objects');
}

const [outdir, typedOutdir] = process.argv.slice(2);

// A topology file's mesh, with the user's objects.
const mesh = meshFromTopology(new App(), 'mesh', DEFAULT_TOPOLOGY);
teamObjects(mesh.cluster('cluster1')!);
synthesizeMesh(mesh, { outdir });

// The TypeScript API: a subclass, clusters, networks.
const typed = new TeamMesh(new App(), 'mesh', { meshId: 'mesh1', secretStore: { name: 'mesh-secrets' } });
const network = typed.addNetwork('network1');
typed.addCluster('cluster1', { network, apiServer: 'https://cluster1.k8s.example.com:6443' }).addVerificationWorkloads({ helloworldVersion: 'v1' });
const phases: readonly Phase[] = Phase.ALL;
if (phases.length === 0 || renderMesh(typed).length === 0) throw new Error('nothing rendered');
synthesizeMesh(typed, { outdir: typedOutdir });
`;

function log(text) {
  process.stdout.write(`${text}\n`);
}

function run(cmd, args, cwd, env = process.env) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env, maxBuffer: 256 * 1024 * 1024 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

/** The versions of `name` the registry has in `range`, ascending. */
function versionsIn(name, range) {
  const r = run('npm', ['view', `${name}@${range}`, 'version', '--json'], ROOT);
  if (!r.ok) throw new Error(`npm view ${name}@${range}: ${r.out}`);
  const v = JSON.parse(r.out);
  // npm lists them in the registry's order, not by version.
  const key = (s) => s.split(/[.+-]/).slice(0, 3).map(Number);
  return (Array.isArray(v) ? v : [v]).sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
}

function args() {
  const a = process.argv.slice(2);
  const get = (flag) => (a.includes(flag) ? a[a.indexOf(flag) + 1] : undefined);
  return { cdk8s: get('--cdk8s'), constructs: get('--constructs'), keep: a.includes('--keep') };
}

/** Every file below dir, relative, sorted. */
function tree(dir) {
  const out = [];
  const visit = (rel) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) visit(p);
      else out.push(p);
    }
  };
  visit('');
  return out;
}

/** '' when the two trees hold the same files with the same bytes, else what differs first. */
function treeDiff(a, b) {
  const fa = tree(a);
  const fb = tree(b);
  if (fa.join('\n') !== fb.join('\n')) {
    const only = fa.filter((f) => !fb.includes(f)).concat(fb.filter((f) => !fa.includes(f)));
    return `different files: ${only.slice(0, 5).join(', ')}`;
  }
  const changed = fa.find((f) => !fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))));
  return changed ? `${changed} differs` : '';
}

/** Every installed copy of the named packages below a node_modules directory (nested ones included). */
function installedCopies(nodeModules, names) {
  const out = [];
  const visit = (dir, depth) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || depth > 20) continue;
      const p = path.join(dir, e.name);
      if (names.includes(e.name) && fs.existsSync(path.join(p, 'package.json'))) out.push(p);
      if (e.name.startsWith('@')) visit(p, depth + 1);
      else visit(path.join(p, 'node_modules'), depth + 1);
    }
  };
  visit(nodeModules, 0);
  return out;
}

/** Checks one pair; returns true when every step passed. */
function checkPair(tarball, work, cdk8s, constructs, outsideRange) {
  const label = `cdk8s@${cdk8s} constructs@${constructs}`;
  const dir = path.join(work, `app-${cdk8s}-${constructs}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, license: 'Apache-2.0' }, null, 2));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(CDK8S_INIT_TSCONFIG, null, 2));
  fs.writeFileSync(path.join(dir, 'main.ts'), CONSUMER);
  // A pair given on the command line may lie outside the declared ranges (that is how the lowest is found):
  // npm would refuse it (ERESOLVE), so peer ranges are not enforced then; cdk8s and constructs are installed
  // explicitly either way.
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--save-exact', ...(outsideRange ? ['--legacy-peer-deps'] : []),
    `cdk8s@${cdk8s}`, `constructs@${constructs}`, `typescript@${pkg.devDependencies.typescript}`, `@types/node@${pkg.devDependencies['@types/node']}`, tarball], dir);
  if (!install.ok) {
    log(`${label}: install FAILED\n${install.out}`);
    return false;
  }
  const installed = (name) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
  const copies = installedCopies(path.join(dir, 'node_modules'), ['cdk8s', 'constructs']).length;
  let ok = true;
  const step = (name, r) => {
    log(`${label}: ${name} ${r.ok ? 'ok' : 'FAILED'}`);
    if (!r.ok) log(r.out.split('\n').slice(0, 30).map((l) => `    ${l}`).join('\n'));
    ok &&= r.ok;
    return r.ok;
  };
  step(`installed (cdk8s ${installed('cdk8s')}, constructs ${installed('constructs')}, ${copies} cop${copies === 1 ? 'y' : 'ies'} of them)`,
    { ok: installed('cdk8s') === cdk8s && installed('constructs') === constructs && copies === 2, out: 'wrong versions or duplicate copies' });
  const tsc = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
  step('type-check (cdk8s init tsconfig, CommonJS resolution)', run(process.execPath, [tsc, '-p', '.'], dir));
  step('type-check (Node16 resolution, exports map)', run(process.execPath, [tsc, '-p', '.', '--noEmit', '--module', 'node16', '--moduleResolution', 'node16'], dir));
  if (fs.existsSync(path.join(dir, 'main.js'))) {
    const r = run(process.execPath, ['main.js', 'out-file', 'out-typed'], dir);
    const mine = path.join(dir, 'out-file', 'cluster1');
    const found = r.ok && tree(mine).some((f) => fs.readFileSync(path.join(mine, f), 'utf8').includes('name: team-config'));
    step('synth of the consumer app (its own objects in cluster1)', { ok: found, out: r.out || 'team-config not in the output of cluster1' });
  }
  // The packaged synth command with no topology: the default mesh, which this checkout's dist/ holds.
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MESH_') || k.startsWith('CDK8S_')) delete env[k];
  env.CDK8S_OUTDIR = 'out-default';
  const bin = run(process.execPath, [path.join(dir, 'node_modules', '.bin', 'cdk8s-istio-multicluster')], dir, env);
  if (step('packaged synth command', bin)) {
    const diff = treeDiff(path.join(dir, 'out-default'), path.join(ROOT, 'dist'));
    step('its output equals dist/ byte for byte', { ok: diff === '', out: diff });
  }
  log(`${label}: ${ok ? 'PASS' : 'FAIL'}`);
  return ok;
}

function main() {
  const opts = args();
  const build = run(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], ROOT);
  if (!build.ok) throw new Error(`build failed:\n${build.out}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-peer-range-'));
  try {
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    if (!pack.ok) throw new Error(`npm pack failed:\n${pack.out}`);
    const tarball = path.join(work, JSON.parse(pack.out)[0].filename);
    const ranges = pkg.peerDependencies;
    let pairs;
    if (opts.cdk8s || opts.constructs) {
      pairs = [[opts.cdk8s ?? ranges.cdk8s.replace(/^\^/, ''), opts.constructs ?? ranges.constructs.replace(/^\^/, '')]];
    } else {
      const c = versionsIn('cdk8s', ranges.cdk8s);
      const k = versionsIn('constructs', ranges.constructs);
      log(`peer ranges: cdk8s ${ranges.cdk8s} (${c.length} versions, ${c[0]} .. ${c[c.length - 1]}), constructs ${ranges.constructs} (${k.length} versions, ${k[0]} .. ${k[k.length - 1]})`);
      pairs = [[c[0], k[0]], [c[c.length - 1], k[k.length - 1]]];
      if (pairs[1].join() === pairs[0].join()) pairs.pop();
    }
    let ok = true;
    for (const [c, k] of pairs) ok = checkPair(tarball, work, c, k, Boolean(opts.cdk8s || opts.constructs)) && ok;
    process.exitCode = ok ? 0 : 1;
  } finally {
    if (opts.keep) log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
