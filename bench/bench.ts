import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * `npm run bench [-- --disk] [--write] [--sizes 10,50] [--app-sizes 10,50] [--invalid-sizes 500,2000] [--invalid-only] [--repeat N]`:
 * rejects generated invalid topologies of 500, 1,000 and 2,000 clusters (time and memory of parse and
 * validation, which must stay linear); synthesizes generated multi-primary,
 * multi-network meshes (bench/topology.ts) of 10, 50, 100 and 200 clusters and prints, per size: objects,
 * wall time, peak RSS and µs per object of our synth, and, on the same objects in the same run, the JSON
 * floor (JSON.stringify + write to the same files) and cdk8s's own App.synth. Then the default topology's
 * app-alone time and `cdk8s synth` against an empty cdk8s app, and the application-heavy topology
 * (bench/topology.ts benchApplicationTopology) at `--app-sizes`. `--write` also writes bench/RESULTS.md.
 *
 * Each measurement runs in a fresh process (bench/run.ts); ours and the floor run `--repeat` times
 * (default 3) alternately and the best is kept, cdk8s once (it is slow). Output goes to tmpfs
 * (/dev/shm) unless `--disk`: on this machine's disk, writing the same 47k small files took anywhere from
 * 1.7 s to 45 s from one run to the next, which would measure the disk, not the synth.
 */
const ROOT = path.join(__dirname, '..', '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const sizes = option('--sizes', '10,50,100,200').split(',').map(Number);
const appSizes = option('--app-sizes', '10,50').split(',').map(Number);
const repeat = Number(option('--repeat', '3'));
const outRoot = flag('--disk') || !fs.existsSync('/dev/shm') ? path.join(ROOT, '.bench-out') : fs.mkdtempSync('/dev/shm/cdk8s-istio-bench-');

interface Run { mode: string; clusters: number; objects: number; ms: number; rssMiB: number }

function run(mode: string, n: number): Run {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'run.js'), mode, String(n)], {
    env: { ...process.env, BENCH_OUT_ROOT: outRoot }, encoding: 'utf8', maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function best(mode: string, n: number, times: number): Run {
  let b: Run | undefined;
  for (let i = 0; i < times; i++) {
    const r = run(mode, n);
    if (!b || r.ms < b.ms) b = r;
  }
  return b!;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall time of a command, median of `times` runs. */
function wall(cmd: string, argv: string[], cwd: string, env: NodeJS.ProcessEnv, times = 5): number {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr}`);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(ms);
}

const lines: string[] = [];
const say = (l = '') => {
  lines.push(l);
  process.stdout.write(l + '\n');
};

const cpu = os.cpus();
say(`Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`);
say(`Output file system: ${outRoot.startsWith('/dev/shm') ? 'tmpfs (/dev/shm)' : `disk (${outRoot})`}; ours and JSON floor best of ${repeat}, cdk8s App.synth once.`);
say();
if (!flag('--invalid-only')) {
  say('| clusters | objects | ours (ms) | µs/object | marginal µs/object | peak RSS (MiB) | JSON floor (ms) | cdk8s App.synth (ms) | ours / floor | cdk8s / ours |');
  say('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
}
const perObject: number[] = [];
let previous: Run | undefined;
for (const n of flag('--invalid-only') ? [] : sizes) {
  let ours = best('ours', n, 1);
  let floor = best('floor', n, 1);
  for (let i = 1; i < repeat; i++) {
    const o = run('ours', n);
    const f = run('floor', n);
    if (o.ms < ours.ms) ours = o;
    if (f.ms < floor.ms) floor = f;
  }
  const cdk8s = run('cdk8s', n);
  if (ours.objects !== floor.objects || ours.objects !== cdk8s.objects) {
    throw new Error(`the modes produced different object counts: ${ours.objects}, ${floor.objects}, ${cdk8s.objects}`);
  }
  const us = (ours.ms * 1000) / ours.objects;
  perObject.push(us);
  // The cost of the objects added since the previous size: a superlinear step would show here first.
  const marginal = previous ? (((ours.ms - previous.ms) * 1000) / (ours.objects - previous.objects)).toFixed(1) : '–';
  previous = ours;
  say(`| ${n} | ${ours.objects} | ${ours.ms} | ${us.toFixed(1)} | ${marginal} | ${ours.rssMiB} | ${floor.ms} | ${cdk8s.ms} | ${(ours.ms / floor.ms).toFixed(2)} | ${(cdk8s.ms / ours.ms).toFixed(1)} |`);
}
// Rejecting an invalid topology file (bench/topology.ts invalidBenchTopology): must stay linear in the clusters.
say();
say('| invalid topology: clusters | problems | parse + validate (ms) | ms per cluster | peak RSS (MiB) |');
say('| ---: | ---: | ---: | ---: | ---: |');
for (const n of option('--invalid-sizes', '500,1000,2000').split(',').map(Number)) {
  const r = best('invalid', n, repeat);
  say(`| ${n} | ${r.objects} | ${r.ms} | ${(r.ms / n).toFixed(2)} | ${r.rssMiB} |`);
}
if (flag('--invalid-only')) {
  if (outRoot.startsWith('/dev/shm')) fs.rmSync(outRoot, { recursive: true, force: true });
  process.exit(0);
}
const mean = perObject.reduce((a, b) => a + b, 0) / perObject.length;
say();
say(`µs/object spread: ${Math.min(...perObject).toFixed(1)}–${Math.max(...perObject).toFixed(1)} (${(((Math.max(...perObject) - mean) / mean) * 100).toFixed(0)}% above, ${(((mean - Math.min(...perObject)) / mean) * 100).toFixed(0)}% below the mean).`);

// Applications: 20 services placed on every cluster with two versions, routes, locality and authorization.
say();
say('| application-heavy: clusters | objects | ours (ms) | µs/object | marginal µs/object | peak RSS (MiB) |');
say('| ---: | ---: | ---: | ---: | ---: | ---: |');
let previousApps: Run | undefined;
for (const n of appSizes) {
  const r = best('apps', n, repeat);
  const marginal = previousApps ? (((r.ms - previousApps.ms) * 1000) / (r.objects - previousApps.objects)).toFixed(1) : '–';
  previousApps = r;
  say(`| ${n} | ${r.objects} | ${r.ms} | ${((r.ms * 1000) / r.objects).toFixed(1)} | ${marginal} | ${r.rssMiB} |`);
}

// The default topology: our app alone, and through the cdk8s CLI next to an empty cdk8s app.
const scratch = fs.mkdtempSync(path.join(outRoot, 'default-'));
const app = wall(process.execPath, [path.join(ROOT, 'lib', 'src', 'main.js')], ROOT, { CDK8S_OUTDIR: path.join(scratch, 'app') });
const cli = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');
const ours = wall(cli, ['synth', '--no-check-upgrade', '--output', path.join(scratch, 'cli')], ROOT, {});
const empty = path.join(scratch, 'empty-app');
fs.mkdirSync(empty);
fs.writeFileSync(path.join(empty, 'cdk8s.yaml'), 'language: typescript\napp: node empty.js\n');
fs.writeFileSync(path.join(empty, 'empty.js'), `const { App } = require(${JSON.stringify(path.join(ROOT, 'node_modules', 'cdk8s'))});\nnew App().synth();\n`);
const emptyCli = wall(cli, ['synth', '--no-check-upgrade', '--output', path.join(scratch, 'empty-out')], empty, {});
say();
say('| default topology | median of 5 (ms) |');
say('| --- | ---: |');
say(`| app alone (\`node lib/src/main.js\`) | ${Math.round(app)} |`);
say(`| \`cdk8s synth\` of this project | ${Math.round(ours)} |`);
say(`| \`cdk8s synth\` of an empty cdk8s app | ${Math.round(emptyCli)} |`);
say(`| ratio | ${(ours / emptyCli).toFixed(2)} |`);
fs.rmSync(outRoot.startsWith('/dev/shm') ? outRoot : scratch, { recursive: true, force: true });

if (flag('--write')) {
  const doc = ['# Benchmark results', '', 'Produced by `npm run bench -- --write` (bench/bench.ts); see README "Performance" for what is measured.', '', ...lines, ''].join('\n');
  // Keep the section bench/build-cost.ts writes (`npm run bench:build -- --write`).
  const file = path.join(ROOT, 'bench', 'RESULTS.md');
  const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const at = previous.indexOf('\n## Build cost');
  fs.writeFileSync(file, doc + (at < 0 ? '' : previous.slice(at)));
}
