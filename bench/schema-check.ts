import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { synthesizeMesh } from '../src/synth';
import { DEFAULT_TOPOLOGY } from '../src/topology/default-topology';
import { meshFromTopology } from '../src/topology/loader';
import { benchTopology, placeServices } from './topology';

/**
 * `node lib/bench/schema-check.js [--repeat N] [--sizes default,200]`: the cost of checking every object
 * against the pinned schemas before writing (src/output/object-checks.ts). Each run is a fresh process,
 * timed from the topology to the written output, WITHOUT a warm-up: the schemas are loaded and compiled
 * lazily, per kind present, inside the timed synth, as in a user's `cdk8s synth`. On and off alternate;
 * the best of N is kept. Output to tmpfs when there is one.
 */
const args = process.argv.slice(2);

if (args[0] === 'run') {
  const [, size, check] = args;
  const out = path.join(process.env.BENCH_OUT_ROOT ?? os.tmpdir(), `schema-${size}-${check}-${process.pid}`);
  const t0 = process.hrtime.bigint();
  const app = new App();
  const mesh = meshFromTopology(app, 'mesh', size === 'default' ? DEFAULT_TOPOLOGY : benchTopology(Number(size)));
  if (size !== 'default') placeServices(mesh);
  synthesizeMesh(mesh, { outdir: out, checkSchemas: check === 'on' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.rmSync(out, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ ms: Math.round(ms) }) + '\n');
} else {
  const option = (name: string, fallback: string) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
  };
  const repeat = Number(option('--repeat', '3'));
  const outRoot = fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/schema-bench-') : fs.mkdtempSync(path.join(os.tmpdir(), 'schema-bench-'));
  const once = (size: string, check: string) => JSON.parse(execFileSync(process.execPath, [__filename, 'run', size, check], {
    env: { ...process.env, BENCH_OUT_ROOT: outRoot }, encoding: 'utf8',
  }).trim().split('\n').pop()!).ms as number;
  console.log('| topology | synth, schema check off (ms) | synth, schema check on (ms) | cost (ms) | cost / synth |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const size of option('--sizes', 'default,200').split(',')) {
    let off = Infinity;
    let on = Infinity;
    for (let i = 0; i < repeat; i++) {
      off = Math.min(off, once(size, 'off'));
      on = Math.min(on, once(size, 'on'));
    }
    const name = size === 'default' ? 'default (2 clusters)' : `generated, ${size} clusters`;
    console.log(`| ${name} | ${off} | ${on} | ${on - off} | ${((on - off) / off * 100).toFixed(0)}% |`);
  }
  fs.rmSync(outRoot, { recursive: true, force: true });
}
