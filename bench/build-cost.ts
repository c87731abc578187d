import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * `npm run bench:build [-- --write] [--repeat N]`: what `npm run synth` and `npm run plan` cost around the app
 * itself. In a scratch copy of the project (sources, configs, the project's node_modules linked; no lib/, as
 * after a fresh clone) it times, per command, wall and CPU (user + system of the child processes):
 * - fresh clone: the first `npm run synth` (full compile);
 * - unchanged tree: `npm run synth` / `npm run plan` against `node lib/src/main.js` / `node lib/src/plan.js`
 *   alone, and the ratio; the build check alone (`node scripts/build.js`); the former scripts
 *   (`tsc -p tsconfig.json` before every run) for comparison;
 * - one source file touched (modification time only), and one edited (a comment appended: an incremental
 *   compile).
 * Medians of `--repeat` runs (default 5; edits 3). `--write` replaces the "Build cost" section of
 * bench/RESULTS.md.
 */
const ROOT = path.join(__dirname, '..', '..');
const args = process.argv.slice(2);
const repeat = Number(args.includes('--repeat') ? args[args.indexOf('--repeat') + 1] : '5');
const COPIED = ['src', 'imports', 'test', 'bench', 'scripts', 'examples', 'crds', 'tsconfig.json', 'package.json', 'package-lock.json', 'cdk8s.yaml', 'jest.config.js'];
const SECTION = '## Build cost of `npm run synth` and `npm run plan`';

interface Cost { wallMs: number; cpuMs: number }

/** CPU time (user + system, ms) of the waited-for children of this process so far (/proc/self/stat). */
function childrenCpuMs(): number {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command name: field 16 (cutime) and 17 (cstime) of proc(5) are at 13 and 14 here; clock ticks.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
}

function once(cwd: string, cmd: string, argv: string[], okCodes = [0]): Cost {
  const cpu0 = childrenCpuMs();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', env: { ...process.env, MESH_TOPOLOGY: '', CDK8S_OUTDIR: '' } });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!okCodes.includes(r.status ?? -1)) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wallMs, cpuMs: childrenCpuMs() - cpu0 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Medians of wall and CPU over `times` runs, `before` run (untimed) before each. */
function measure(times: number, run: () => Cost, before: () => void = () => undefined): Cost {
  const runs: Cost[] = [];
  for (let i = 0; i < times; i++) {
    before();
    runs.push(run());
  }
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)) };
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'build-cost-'));
for (const entry of COPIED) fs.cpSync(path.join(ROOT, entry), path.join(scratch, entry), { recursive: true });
fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(scratch, 'node_modules'));
// The former scripts, for comparison: compile (incremental tsc) before every run.
const pkgFile = path.join(scratch, 'package.json');
const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
pkg.scripts['former-build'] = 'tsc -p tsconfig.json';
pkg.scripts['former-synth'] = 'npm run former-build && node lib/src/main.js';
pkg.scripts['former-plan'] = 'npm run former-build && node lib/src/plan.js';
fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));

const npm = (script: string, ok?: number[]) => () => once(scratch, 'npm', ['run', '--silent', script], ok);
const node = (file: string) => () => once(scratch, process.execPath, [file]);
const edited = path.join(scratch, 'src', 'names.ts');
let edits = 0;

const results: [string, Cost][] = [];
const record = (name: string, c: Cost) => {
  results.push([name, c]);
  process.stdout.write(`${name}: ${Math.round(c.wallMs)} ms wall, ${Math.round(c.cpuMs)} ms CPU\n`);
};

record('fresh clone: `npm run synth` (lib/ absent, full compile)', npm('synth')());
const synth = measure(repeat, npm('synth'));
const app = measure(repeat, node('lib/src/main.js'));
const plan = measure(repeat, npm('plan'));
const planApp = measure(repeat, node('lib/src/plan.js'));
record('unchanged: `npm run synth`', synth);
record('unchanged: `node lib/src/main.js` (the app alone)', app);
record('unchanged: `npm run plan`', plan);
record('unchanged: `node lib/src/plan.js` (the plan alone)', planApp);
record('unchanged: `node scripts/build.js` (the check alone)', measure(repeat, node('scripts/build.js')));
record('unchanged: `npm run` of a no-op script (npm itself)', measure(repeat, () => once(scratch, 'npm', ['run', '--silent', 'env'], [0])));
record('unchanged: former `npm run synth` (`tsc -p` every time)', measure(repeat, npm('former-synth')));
record('unchanged: former `npm run plan` (`tsc -p` every time)', measure(repeat, npm('former-plan')));
record('one source touched (mtime only): `npm run synth`', measure(repeat, npm('synth'), () => {
  const t = new Date(Date.now() + 1000 * ++edits);
  fs.utimesSync(edited, t, t);
}));
record('one source edited (comment appended): `npm run synth`', measure(3, npm('synth'), () => fs.appendFileSync(edited, `// edit ${++edits}\n`)));
fs.rmSync(scratch, { recursive: true, force: true });

const ratio = (a: Cost, b: Cost) => `${(a.wallMs / b.wallMs).toFixed(2)} wall, ${(a.cpuMs / b.cpuMs).toFixed(2)} CPU`;
const cpu = os.cpus();
const lines = [
  SECTION,
  '',
  `Produced by \`npm run bench:build -- --write\` (bench/build-cost.ts). Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ` +
    `medians of ${repeat} runs (edits: 3), in a scratch copy of the project. CPU is user + system time of all processes of the command.`,
  '',
  '| command | wall (ms) | CPU (ms) |',
  '| --- | ---: | ---: |',
  ...results.map(([name, c]) => `| ${name} | ${Math.round(c.wallMs)} | ${Math.round(c.cpuMs)} |`),
  '',
  `Unchanged tree: \`npm run synth\` / app alone = ${ratio(synth, app)}; \`npm run plan\` / plan alone = ${ratio(plan, planApp)}.`,
  '',
];
process.stdout.write(`\n${lines.join('\n')}`);
if (args.includes('--write')) {
  const file = path.join(ROOT, 'bench', 'RESULTS.md');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const at = text.indexOf(SECTION);
  const kept = at < 0 ? text : text.slice(0, at);
  fs.writeFileSync(file, `${kept.replace(/\n*$/, '\n\n')}${lines.join('\n')}`);
}
