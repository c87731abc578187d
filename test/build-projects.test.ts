/**
 * The two TypeScript projects that write lib/ (scripts/build.js): tsconfig.json (everything, development)
 * and tsconfig.build.json (src and imports only: what `prepare` builds when npm prepares the package as a
 * git dependency). They emit the same layout, and switching between them never leaves a stale output.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT } from './support/mesh';

const { build, checkBuild } = require(path.join(PROJECT_ROOT, 'scripts', 'build.js'));

const FULL = { compilerOptions: { outDir: 'lib', rootDir: '.', declaration: true, incremental: true, tsBuildInfoFile: 'lib/.tsbuildinfo', types: [] }, include: ['src/**/*.ts', 'test/**/*.ts'] };
const SHIPPED = { extends: './tsconfig.json', compilerOptions: { tsBuildInfoFile: 'lib/.tsbuildinfo-build' }, include: ['src/**/*.ts'] };

/** A project with both configurations, a source and a test, the project's node_modules (TypeScript) linked in. */
function project(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-build-projects-'));
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(FULL));
  fs.writeFileSync(path.join(root, 'tsconfig.build.json'), JSON.stringify(SHIPPED));
  fs.writeFileSync(path.join(root, 'package.json'), '{"name":"p"}');
  fs.mkdirSync(path.join(root, 'src'));
  fs.mkdirSync(path.join(root, 'test'));
  fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  fs.writeFileSync(path.join(root, 'test', 't.ts'), "import { a } from '../src/a';\nexport const t = a;\n");
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  return root;
}

const read = (root: string, f: string) => fs.readFileSync(path.join(root, f), 'utf8');

describe('build: the development and the shipped project share lib/', () => {
  test('the shipped project compiles only src, in the same layout', () => {
    const root = project();
    expect(build(root, 'tsconfig.build.json', () => undefined)).toBe(0);
    expect(read(root, 'lib/src/a.js')).toContain('exports.a = 1');
    expect(fs.existsSync(path.join(root, 'lib/src/a.d.ts'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'lib/test'))).toBe(false);
    expect(checkBuild(root, 'tsconfig.build.json').upToDate).toBe(true);
  }, 120_000);

  test('building one forgets the state of the other: no stale output after edits and switches', () => {
    const root = project();
    const a = path.join(root, 'src', 'a.ts');
    const log: string[] = [];
    const run = (p: string) => build(root, p, (s: string) => log.push(s));

    expect(run('tsconfig.json')).toBe(0); // development build of version 1
    fs.writeFileSync(a, 'export const a = 2;\n');
    expect(run('tsconfig.build.json')).toBe(0); // `prepare` of version 2 overwrites lib/src/a.js
    expect(read(root, 'lib/src/a.js')).toContain('exports.a = 2');
    // The development project's stamp and incremental state are gone: its state described version 1's outputs.
    expect(fs.existsSync(path.join(root, 'lib/.tsbuildinfo'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'lib/.build-tsconfig.json'))).toBe(false);

    fs.writeFileSync(a, 'export const a = 1;\n'); // back to version 1, which its old state had emitted
    log.length = 0;
    expect(run('tsconfig.json')).toBe(0);
    expect(log).toEqual(['build: tsconfig.json: no previous build, compiling\n']);
    expect(read(root, 'lib/src/a.js')).toContain('exports.a = 1'); // an incremental tsc trusting its old state would have left 2
    expect(read(root, 'lib/test/t.js')).toContain("require(\"../src/a\")");
    expect(fs.existsSync(path.join(root, 'lib/.tsbuildinfo-build'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'lib/.build-tsconfig.build.json'))).toBe(false);
    expect(checkBuild(root, 'tsconfig.json').upToDate).toBe(true);
    expect(checkBuild(root, 'tsconfig.build.json').upToDate).toBe(false);

    // Up to date: nothing compiled, nothing of the other forgotten.
    log.length = 0;
    expect(run('tsconfig.json')).toBe(0);
    expect(log).toEqual([]);
  }, 180_000);

  test("the repository's tsconfig.build.json is tsconfig.json restricted to what the package ships", () => {
    const full = JSON.parse(read(PROJECT_ROOT, 'tsconfig.json'));
    const shipped = JSON.parse(read(PROJECT_ROOT, 'tsconfig.build.json'));
    expect(shipped.extends).toBe('./tsconfig.json');
    expect(shipped.include).toEqual(['src/**/*.ts', 'imports/**/*.ts']);
    expect(full.include).toEqual(expect.arrayContaining(shipped.include));
    // Only the build state and the ambient types differ: same outDir, rootDir, target, declarations, stripInternal.
    expect(Object.keys(shipped.compilerOptions).sort()).toEqual(['tsBuildInfoFile', 'types']);
    expect(shipped.compilerOptions.tsBuildInfoFile).not.toBe(full.compilerOptions.tsBuildInfoFile);
    expect(full.compilerOptions.stripInternal).toBe(true);
    const pkg = JSON.parse(read(PROJECT_ROOT, 'package.json'));
    expect(pkg.scripts.prepare).toBe('node scripts/prepare.js');
  });
});
