#!/usr/bin/env node
// Compiles the TypeScript project into lib/ unless lib/ already holds the build of exactly the current inputs.
//
//   node scripts/build.js [tsconfig.json]
//
// `npm run synth`, `npm run plan`, `npm test` and `npm run bench` run it before their command. Even with
// nothing to do, `tsc -p` costs about 5 s of CPU (it loads and parses every file; imports/ alone is 2.6 MB);
// this check costs a content hash of the inputs (a few ms), so on an unchanged tree synth runs at the cost of
// the app alone (measured by bench/build-cost.ts).
//
// Up to date means: the SHA-256 over the list and contents of every input (the tsconfig chain, every file
// below the directories of its `include`, package.json, package-lock.json and the TypeScript version) equals
// the one stored by the last successful build, the incremental build state (lib/.tsbuildinfo) is the one that
// build left (so a `npx tsc -p .` run in between, which may have compiled other sources, counts as a change),
// and every source has its .js in lib/. Contents, not modification times: a checkout, `touch` or restored
// backup does not matter, an added, changed or deleted file always does. The input hash is taken before tsc
// runs, so a file edited during the build makes the next call build again. After a build, the .js/.d.ts of
// deleted sources are removed from lib/ (jest runs lib/test/**: a deleted test must not keep running).
//
// Two projects write the same lib/ with the same compiler options: tsconfig.json (everything: src, imports,
// test, bench), which development uses, and tsconfig.build.json (src and imports only), which `prepare`
// uses when npm prepares the package as a git dependency (scripts/prepare.js). Each has its own stamp and
// incremental state, and compiling one forgets the other's (its stamp and its .tsbuildinfo): the other
// project's state would otherwise describe outputs this build may have overwritten from other source
// versions, and its incremental tsc would skip re-emitting them. The next build of the other is then full.
//
// Exit code: tsc's (0 when built or up to date; non-zero on compile errors, and nothing is stored then).
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const OUT_DIR = 'lib';

/** Reads a tsconfig file as JSON; undefined when it is not plain JSON (comments...): then always build. */
function readConfig(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The inputs of a project: { configs, dirs, files, buildInfo } with paths relative to root, or undefined
 * when the config cannot be understood without TypeScript itself (then the caller always builds).
 * `dirs` are the fixed leading directories of the include patterns (`src` of `src/**\/*.ts`): every file
 * below them counts, whatever its extension, which can only make the check build more often, never less.
 */
function projectInputs(root, project) {
  const configs = [];
  let include;
  let files;
  let buildInfo;
  let file = project;
  for (let depth = 0; file !== undefined; depth++) {
    const config = depth < 10 ? readConfig(path.join(root, file)) : undefined;
    if (!config) return undefined;
    configs.push(file);
    include = include ?? config.include;
    files = files ?? config.files;
    buildInfo = buildInfo ?? config.compilerOptions?.tsBuildInfoFile;
    if (config.extends === undefined) break;
    if (typeof config.extends !== 'string' || !config.extends.startsWith('.')) return undefined;
    file = path.relative(root, path.join(path.dirname(path.join(root, file)), config.extends.endsWith('.json') ? config.extends : `${config.extends}.json`));
  }
  // tsc's defaults when a config has neither (everything below the project directory, buildinfo next to
  // the outputs) are not modelled here: such a project is always built.
  if ((!Array.isArray(include) && !Array.isArray(files)) || typeof buildInfo !== 'string') return undefined;
  const dirs = new Set();
  for (const pattern of include ?? []) {
    const fixed = [];
    for (const part of String(pattern).split('/')) {
      if (/[*?]/.test(part)) break;
      fixed.push(part);
    }
    if (fixed.length === 0 || fixed.includes('..')) return undefined;
    dirs.add(fixed.join('/'));
  }
  return { configs, dirs: [...dirs].sort(), files: [...(files ?? [])].sort(), buildInfo };
}

/**
 * Every file below `dir` (relative to root), sorted; none when it does not exist. Links to directories are
 * followed as tsc follows them (to a depth of 32, against loops).
 */
function walk(root, dir) {
  const out = [];
  const visit = (rel, depth) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      if (fs.existsSync(path.join(root, rel))) out.push(rel); // a file named by a pattern
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = `${rel}/${e.name}`;
      const isDir = e.isDirectory() || (e.isSymbolicLink() && fs.statSync(path.join(root, p), { throwIfNoEntry: false })?.isDirectory());
      if (isDir && depth < 32) visit(p, depth + 1);
      else out.push(p);
    }
  };
  visit(dir, 0);
  return out;
}

/** The files whose content decides the build of `project`, sorted, relative to root. */
function inputFiles(root, inputs) {
  const extra = ['package.json', 'package-lock.json', 'node_modules/typescript/package.json'];
  const all = new Set([...inputs.configs, ...extra, ...inputs.files]);
  for (const d of inputs.dirs) for (const f of walk(root, d)) all.add(f);
  return [...all].sort();
}

/** SHA-256 over each file's path and content (a missing file counts as missing, not as empty). */
function digestOf(root, files) {
  const h = crypto.createHash('sha256');
  for (const f of files) {
    h.update(`${f}\0`);
    try {
      const content = fs.readFileSync(path.join(root, f));
      h.update(`${content.length}\0`);
      h.update(content);
    } catch {
      h.update('missing\0');
    }
  }
  return h.digest('hex');
}

/** Where the digest of a project's last successful build is kept. */
function stampPath(root, project) {
  return path.join(root, OUT_DIR, `.build-${path.basename(project, '.json')}.json`);
}

/** The compiled file of each TypeScript source among the inputs (declarations have none). */
function expectedOutputs(files) {
  return files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => `${OUT_DIR}/${f.slice(0, -3)}.js`);
}

/**
 * Whether lib/ holds the build of the current inputs of `project`: { upToDate, reason, digest, files }.
 * `reason` says why not, for the log.
 */
function checkBuild(root, project) {
  const inputs = projectInputs(root, project);
  if (!inputs) return { upToDate: false, reason: `${project} is not understood by this check` };
  const files = inputFiles(root, inputs);
  const digest = digestOf(root, files);
  let stored;
  try {
    stored = JSON.parse(fs.readFileSync(stampPath(root, project), 'utf8'));
  } catch {
    return { upToDate: false, reason: 'no previous build', digest, inputs, files };
  }
  if (stored.inputs !== digest) return { upToDate: false, reason: 'inputs changed', digest, inputs, files };
  if (stored.buildInfo !== digestOf(root, [inputs.buildInfo])) {
    return { upToDate: false, reason: `${inputs.buildInfo} changed since the last build`, digest, inputs, files };
  }
  const missing = expectedOutputs(files).find((f) => !fs.existsSync(path.join(root, f)));
  if (missing) return { upToDate: false, reason: `${missing} is missing`, digest, inputs, files, outputsMissing: true };
  return { upToDate: true, reason: 'up to date', digest, inputs, files };
}

/** Removes compiled files in lib/ whose source under the project's directories no longer exists. */
function removeStaleOutputs(root, inputs, files) {
  const sources = new Set(files);
  const removed = [];
  for (const d of inputs.dirs) {
    for (const f of walk(root, `${OUT_DIR}/${d}`)) {
      const m = /^(.*)\.(js|d\.ts)$/.exec(f.slice(OUT_DIR.length + 1));
      if (m && !['.ts', '.tsx', '.js'].some((ext) => sources.has(`${m[1]}${ext}`))) {
        fs.rmSync(path.join(root, f));
        removed.push(f);
      }
    }
  }
  return removed;
}

/**
 * Removes the stamps and incremental build state (`*tsbuildinfo*`) in lib/ of every project but `project`
 * (whose own state is `ownBuildInfo`, relative to root), so that their next build starts from scratch.
 */
function forgetOtherProjects(root, project, ownBuildInfo) {
  const dir = path.join(root, OUT_DIR);
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const own = new Set([path.basename(stampPath(root, project))]);
  if (ownBuildInfo !== undefined) own.add(path.relative(dir, path.join(root, ownBuildInfo)));
  for (const name of names) {
    if (own.has(name)) continue;
    if (/^\.build-.+\.json$/.test(name) || name.includes('tsbuildinfo')) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Builds `project` unless up to date; returns the exit code. */
function build(root, project, log = (s) => process.stderr.write(s)) {
  const check = checkBuild(root, project);
  if (check.upToDate) return 0;
  if (check.outputsMissing) {
    // tsc's incremental state would still call the deleted outputs up to date: start from scratch.
    fs.rmSync(path.join(root, check.inputs.buildInfo), { force: true });
  }
  log(`build: ${project}: ${check.reason}, compiling\n`);
  fs.rmSync(stampPath(root, project), { force: true });
  forgetOtherProjects(root, project, check.inputs?.buildInfo);
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const r = spawnSync(process.execPath, [tsc, '-p', project], { cwd: root, encoding: 'utf8' });
  if (r.stdout || r.stderr) log(`${r.stdout ?? ''}${r.stderr ?? ''}`);
  const code = r.status ?? 1;
  if (code !== 0 || !check.digest) return code;
  const stale = removeStaleOutputs(root, check.inputs, check.files);
  if (stale.length > 0) log(`build: removed ${stale.length} compiled file(s) of deleted sources: ${stale.join(', ')}\n`);
  recordBuild(root, project, check);
  return 0;
}

/** Stores what checkBuild compares: the input digest taken before the build, and the build state after it. */
function recordBuild(root, project, check) {
  const stamp = { inputs: check.digest, buildInfo: digestOf(root, [check.inputs.buildInfo]) };
  fs.writeFileSync(stampPath(root, project), `${JSON.stringify(stamp)}\n`);
}

module.exports = { build, checkBuild, recordBuild };

if (require.main === module) {
  process.exitCode = build(path.join(__dirname, '..'), process.argv[2] ?? 'tsconfig.json');
}
