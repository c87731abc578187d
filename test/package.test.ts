/**
 * What `npm pack` ships (the file list of package.json, checked by npm itself: `npm pack --dry-run --json`,
 * offline, scripts off so that no build runs under the tests) and whether a consumer can load it: every
 * `require()` of the packed JavaScript resolves to a packed file, a Node.js built-in or a declared
 * dependency, and the published declarations reference only our own modules, cdk8s and constructs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';
import { PROJECT_ROOT } from './support/mesh';

const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));

/** The packed file paths, sorted, as npm computes them from package.json's `files`. */
function packedFiles(): string[] {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--offline'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  const [result] = JSON.parse(r.stdout);
  return (result.files as { path: string }[]).map((f) => f.path).sort();
}

/** Every file below `dir` (relative to the project), recursively. */
function sourcesBelow(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const e of fs.readdirSync(path.join(PROJECT_ROOT, rel), { withFileTypes: true })) {
      if (e.isDirectory()) visit(`${rel}/${e.name}`);
      else out.push(`${rel}/${e.name}`);
    }
  };
  visit(dir);
  return out;
}

/** The compiled files (.js and .d.ts in lib/) of every TypeScript source below `dir`. */
function compiledOf(dir: string): string[] {
  return sourcesBelow(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .flatMap((f) => [`lib/${f.slice(0, -3)}.js`, `lib/${f.slice(0, -3)}.d.ts`]);
}

/** The package a bare specifier names (`a/b` -> `a`, `@s/a/b` -> `@s/a`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Resolves a relative specifier from `from` against the packed files, as Node.js resolves a CommonJS require. */
function resolvePacked(from: string, specifier: string, packed: Set<string>, extensions: string[]): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  return [base, ...extensions.map((e) => `${base}${e}`), ...extensions.map((e) => `${base}/index${e}`)].find((c) => packed.has(c));
}

const REQUIRE = /\brequire\((["'])([^"']+)\1\)/g;
const DTS_IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(["'])([^"']+)\1/g;

describe('npm pack', () => {
  let files: string[];
  let packed: Set<string>;
  beforeAll(() => {
    files = packedFiles();
    packed = new Set(files);
  }, 60_000);

  test('ships exactly the compiled library, its runtime files, the commands, docs and legal files', () => {
    const expected = [
      ...compiledOf('src'),
      ...compiledOf('imports'),
      'lib/src/topology/topology.schema.json',
      // The CRD schemas the writer checks custom resources against at run time and their precompiled validators (crds/schemas, generated).
      ...sourcesBelow('crds/schemas').filter((f) => f.endsWith('.json') || f.endsWith('.js')),
      'crds/README.md', // their provenance (npm packs a README of a packed folder)
      ...Object.values(pkg.bin as Record<string, string>),
      ...sourcesBelow('examples').filter((f) => /^examples\/[^/]+\.yaml$/.test(f)),
      'docs/API.md',
      'README.md',
      'LICENSE',
      'NOTICE',
      'CHANGELOG.md',
      'package.json',
    ].sort();
    expect(files).toEqual(expected);
  });

  test('ships no tests, bench, output, CI files, dev scripts, CRD sources, sources or build state', () => {
    const forbidden = [/^test\//, /^lib\/test\//, /^bench\//, /^lib\/bench\//, /^dist\//, /^\.ci\//, /^scripts\//, /^crds\/(?!schemas\/|README\.md$)/, /^src\//, /^imports\//, /tsbuildinfo/, /^lib\/\.build-/, /^\.npmrc$/, /^node_modules\//, /\.test\.(js|d\.ts)$/];
    expect(files.filter((f) => forbidden.some((re) => re.test(f)))).toEqual([]);
    // The entry points, the write worker (loaded by file name, not by require) and the vendored Kubernetes classes.
    for (const f of ['lib/src/index.js', 'lib/src/index.d.ts', 'lib/src/main.js', 'lib/src/plan.js', 'lib/src/output/write-worker.js', 'lib/imports/k8s.js', 'lib/imports/k8s.d.ts']) {
      expect(packed.has(f)).toBe(true);
    }
  });

  test('every require() of the packed JavaScript resolves to a packed file, a built-in or a declared dependency', () => {
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const builtins = new Set(builtinModules);
    const unresolved: string[] = [];
    let count = 0;
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      const text = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
      for (const m of text.matchAll(REQUIRE)) {
        count++;
        const spec = m[2];
        const ok = spec.startsWith('.')
          ? resolvePacked(file, spec, packed, ['.js', '.json']) !== undefined
          : builtins.has(spec.replace(/^node:/, '')) || declared.has(packageOf(spec));
        if (!ok) unresolved.push(`${file}: require('${spec}')`);
      }
    }
    expect(count).toBeGreaterThan(100);
    expect(unresolved).toEqual([]);
    // What the runtime really needs from outside: nothing but these (cdk8s-plus-27 is vendored, not required;
    // ajv and kubernetes-models check every object against the pinned schemas before anything is written).
    expect([...declared].sort()).toEqual(['ajv', 'cdk8s', 'constructs', 'js-yaml', 'kubernetes-models', 'yaml']);
  });

  test('the public declarations reference only our own packed modules, cdk8s and constructs', () => {
    // Walk the .d.ts graph from the entry point: whatever a consumer's compiler loads through our types.
    const seen = new Set<string>();
    const external = new Set<string>();
    const missing: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = fs.readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
      for (const m of text.matchAll(DTS_IMPORT)) {
        const spec = m[2];
        if (!spec.startsWith('.')) {
          external.add(spec);
          continue;
        }
        const target = resolvePacked(file, spec, packed, ['.d.ts', '.json']);
        if (target === undefined) missing.push(`${file}: '${spec}'`);
        else if (target.endsWith('.d.ts')) visit(target);
      }
    };
    visit(pkg.types);
    expect(missing).toEqual([]);
    expect([...external].sort()).toEqual(['cdk8s', 'constructs']);
    expect(seen.has('lib/src/cluster.d.ts')).toBe(true);
  });

  test('@internal members are stripped from the published declarations', () => {
    const dts = files.filter((f) => f.startsWith('lib/src/') && f.endsWith('.d.ts'));
    expect(dts.filter((f) => fs.readFileSync(path.join(PROJECT_ROOT, f), 'utf8').includes('@internal'))).toEqual([]);
    // Cluster._build() is @internal in src/cluster.ts and public in the compiled JavaScript.
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'src/cluster.ts'), 'utf8')).toMatch(/@internal[\s\S]{0,40}\*\/\s*public _build\(\)/);
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'lib/src/cluster.js'), 'utf8')).toContain('_build()');
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'lib/src/cluster.d.ts'), 'utf8')).not.toContain('_build');
  });

  test('package.json: exports, bin and types point at packed files; peers are caret ranges', () => {
    const targets: string[] = [pkg.main, pkg.types];
    for (const [key, value] of Object.entries(pkg.exports as Record<string, string | Record<string, string>>)) {
      for (const target of typeof value === 'string' ? [value] : Object.values(value)) {
        const rel = target.replace(/^\.\//, '');
        if (key.includes('*')) {
          // Each vendored or generated module of imports/ is reachable through the subpath.
          for (const m of sourcesBelow('imports').filter((f) => f.endsWith('.ts'))) targets.push(rel.replace('*', path.basename(m, '.ts')));
        } else targets.push(rel);
      }
    }
    expect(targets.filter((t) => !packed.has(t))).toEqual([]);
    for (const bin of Object.values(pkg.bin as Record<string, string>)) {
      expect(fs.readFileSync(path.join(PROJECT_ROOT, bin), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    }
    expect(pkg.peerDependencies).toEqual({ cdk8s: expect.stringMatching(/^\^2\.\d+\.\d+$/), constructs: expect.stringMatching(/^\^10\.\d+\.\d+$/) });
    // Our own build uses exact versions inside the peer ranges.
    expect(pkg.devDependencies.cdk8s).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies.constructs).toMatch(/^\d+\.\d+\.\d+$/);
    const version = (v: string) => v.replace(/^\^/, '').split('.').map(Number);
    const atMost = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    for (const peer of ['cdk8s', 'constructs']) {
      expect({ peer, cmp: Math.sign(atMost(version(pkg.peerDependencies[peer]), version(pkg.devDependencies[peer]))) <= 0 }).toEqual({ peer, cmp: true });
    }
    expect(pkg.dependencies.cdk8s).toBeUndefined();
    expect(pkg.dependencies['cdk8s-plus-27']).toBeUndefined();
  });
});
