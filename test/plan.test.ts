import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_TOPOLOGY, parseYamlDocuments, renderMesh, toYaml, writeTreeAtomically } from '../src';
import { diffFields, diffLines, showValue } from '../src/output/field-diff';
import { formatPlan, planChanges, readTree, TreeFile } from '../src/output/plan';
import { PLAN_CHANGES, PLAN_ERROR, PLAN_NO_CHANGES, runPlanApp } from '../src/plan';
import { meshOf, PROJECT_ROOT } from './support/mesh';

const three = {
  ...DEFAULT_TOPOLOGY,
  clusters: [...DEFAULT_TOPOLOGY.clusters, { clusterName: 'cluster3', network: 'network2', apiServer: 'https://cluster3.k8s.example.com:6443' }],
};
const renamedNetwork = { ...DEFAULT_TOPOLOGY, clusters: [{ ...DEFAULT_TOPOLOGY.clusters[0], network: 'network3' }, DEFAULT_TOPOLOGY.clusters[1]] };

const render = (topology: unknown) => renderMesh(meshOf(topology));
const plan = (current: readonly TreeFile[], next: readonly TreeFile[]) => formatPlan(planChanges(current, next));

/** The lines of one group of a formatted plan, header included. */
function section(text: string, group: string): string {
  const lines = text.split('\n');
  const start = lines.indexOf(lines.find((l) => l.startsWith(`${group}: `))!);
  if (start < 0) throw new Error(`no group ${group} in:\n${text}`);
  let end = start + 1;
  while (end < lines.length && lines[end].startsWith(' ')) end++;
  return lines.slice(start, end).join('\n') + '\n';
}

/** The tree with one YAML file replaced by `edit` of its (single) document. */
function editFile(files: readonly TreeFile[], file: string, edit: (doc: any) => void): TreeFile[] {
  expect(files.some((f) => f.path === file)).toBe(true);
  return files.map((f) => {
    if (f.path !== file) return f;
    const doc = parseYamlDocuments(f.content)[0] as any;
    edit(doc);
    return { path: f.path, content: toYaml(doc) };
  });
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe('plan: what a fresh synth would change, field by field', () => {
  test('a changed scalar: the object and the field with its old and new value, under its cluster', () => {
    const out = plan(render(DEFAULT_TOPOLOGY), render(renamedNetwork));
    const cluster1 = section(out, 'cluster1');
    expect(cluster1).toMatch(/^cluster1: 0 to add, \d+ to change, 0 to remove\n/);
    expect(cluster1).toContain('  ~ Namespace istio-system\n      ~ metadata.labels["topology.istio.io/network"]: network1 -> network3\n');
    // Every line under the group is an object/file line or a field line: nothing but changes.
    for (const line of cluster1.split('\n').slice(1, -1)) expect(line).toMatch(/^ {2}~ \S|^ {6}[~+-] \S/);
    expect(out).not.toMatch(/^cluster2:/m);
    expect(out).toMatch(/Plan: 0 to add, \d+ to change, 0 to remove\.\n$/);
  });

  test('a changed Helm value: the install input and the Argo CD valuesObject, field-wise', () => {
    const out = plan(render(DEFAULT_TOPOLOGY), render(renamedNetwork));
    const inputs = section(out, '_install-inputs');
    expect(inputs).toContain('  ~ cluster1/helm-values-istiod.yaml\n      ~ global.network: network1 -> network3\n');
    expect(inputs).toContain('  ~ cluster1/istio-operator.yaml\n      ~ spec.values.global.network: network1 -> network3\n');
    expect(inputs).not.toContain('cluster2/');
    expect(section(out, '_argocd')).toMatch(/ {2}~ Application argocd\/mesh1-cluster1\n {6}~ spec\.sources\[\d+\]\.helm\.valuesObject\.global\.network: network1 -> network3\n/);
  });

  test('an added and a removed field (the output on disk edited by hand): + and - with the value', () => {
    const fresh = render(DEFAULT_TOPOLOGY);
    const file = 'cluster1/00-namespaces/namespace_istio-system.yaml';
    const edited = editFile(fresh, file, (ns) => {
      ns.metadata.labels['team'] = 'payments';
      delete ns.metadata.labels['topology.istio.io/network'];
    });
    const out = plan(edited, fresh);
    expect(out).toBe([
      'cluster1: 0 to add, 1 to change, 0 to remove',
      '  ~ Namespace istio-system',
      '      + metadata.labels["topology.istio.io/network"]: network1',
      '      - metadata.labels.team: payments',
      'Plan: 0 to add, 1 to change, 0 to remove.',
      '',
    ].join('\n'));
  });

  test('an added object: listed by identity under each cluster, with the kustomization entry that lists it', () => {
    const out = plan(render(DEFAULT_TOPOLOGY), render(three));
    for (const c of ['cluster1', 'cluster2']) {
      const s = section(out, c);
      expect(s).toContain('  + ExternalSecret istio-system/istio-remote-secret-cluster3\n');
      expect(s).toMatch(/ {2}~ 80-remote-secrets\/kustomization\.yaml\n {6}\+ resources\[\d+\]: externalsecret_istio-system_istio-remote-secret-cluster3\.yaml\n/);
      expect(s).not.toMatch(/^ {2}- /m);
    }
    const added = render(three).filter((f) => f.path.startsWith('cluster3/')).length;
    expect(section(out, 'cluster3')).toMatch(new RegExp(`^cluster3: ${added} to add, 0 to change, 0 to remove\\n`));
    expect(section(out, '_argocd')).toContain('  + Application argocd/mesh1-cluster3\n');
    expect(section(out, '_install-inputs')).toContain('  + cluster3/helm-values-istiod.yaml\n');
  });

  test('a removed cluster: every object of it removed, the peers lose their remote secret', () => {
    const before = render(three);
    const out = plan(before, render(DEFAULT_TOPOLOGY));
    const cluster3 = section(out, 'cluster3');
    const removed = before.filter((f) => f.path.startsWith('cluster3/')).length;
    expect(cluster3).toMatch(new RegExp(`^cluster3: 0 to add, 0 to change, ${removed} to remove\\n`));
    expect(cluster3).toContain('  - Namespace istio-system\n');
    expect(cluster3.split('\n').slice(1, -1).every((l) => l.startsWith('  - '))).toBe(true);
    expect(section(out, 'cluster1')).toContain('  - ExternalSecret istio-system/istio-remote-secret-cluster3\n');
    expect(section(out, '_argocd')).toContain('  - Application argocd/mesh1-cluster3\n');
  });

  test('groups in a fixed order: clusters, _argocd, _install-inputs, top level; the same trees give the same text', () => {
    const out = plan(render(DEFAULT_TOPOLOGY), render(three));
    const headers = out.split('\n').filter((l) => /^\S.*: \d+ to add/.test(l) && !l.startsWith('Plan: ')).map((l) => l.split(':')[0]);
    expect(headers).toEqual(['cluster1', 'cluster2', 'cluster3', '_argocd', '_install-inputs', '(top level)']);
    expect(plan(render(DEFAULT_TOPOLOGY), render(three))).toBe(out);
  });

  test('a multi-line text (README) as its changed lines', () => {
    const out = section(plan(render(DEFAULT_TOPOLOGY), render(three)), '(top level)');
    expect(out).toMatch(/ {2}~ README\.md\n {6}\d+ lines changed \(\d+ removed, \d+ added\)\n/);
    expect(out).toContain('      - 2 cluster(s) on 2 network(s)');
    expect(out).toContain('      + 3 cluster(s) on 2 network(s)');
  });

  test('Secret data on disk is never shown, changed, added or in an added list element', () => {
    const fresh = render(DEFAULT_TOPOLOGY);
    const file = 'cluster1/10-trust/secret_istio-system_istio-reader-service-account-istio-remote-secret-token.yaml';
    const onDisk = editFile(fresh, file, (s) => {
      s.data = { token: 'c3VwZXJzZWNyZXQtdG9rZW4=' };
      s.stringData = { password: 'hunter2-plaintext' };
    });
    const out = plan(onDisk, fresh);
    expect(out).toContain('      - data: (sensitive value not shown)\n      - stringData: (sensitive value not shown)\n');
    expect(out).not.toMatch(/c3VwZXJzZWNyZXQ|hunter2/);
    // A Secret nested in a list (a hand-written `kind: List`) is redacted as well.
    const list = (data: string) => ({ path: 'cluster1/x/list.yaml', content: toYaml({ apiVersion: 'v1', kind: 'List', metadata: { name: 'l' }, items: [{ kind: 'Secret', data: { k: data } }] }) });
    const nested = plan([list('b2xk')], [list('bmV3')]);
    expect(nested).toContain('~ items[0].data.k: (sensitive value not shown)');
    expect(nested).not.toMatch(/b2xk|bmV3/);
    expect(showValue({ kind: 'Secret', data: { k: 'dmFsdWU=' } })).not.toContain('dmFsdWU=');
  });

  test('what is shown is escaped and truncated: no terminal control characters, long values cut', () => {
    const fresh = render(DEFAULT_TOPOLOGY);
    const onDisk = editFile(fresh, 'cluster1/00-namespaces/namespace_istio-system.yaml', (ns) => {
      ns.metadata.labels['topology.istio.io/network'] = 'net\u001b[2J\u202eevil';
      ns.metadata.annotations = { ...ns.metadata.annotations, note: 'x'.repeat(500) };
    });
    const out = plan(onDisk, fresh);
    expect(out).not.toMatch(/[\u001b\u202e]/);
    expect(out).toContain('~ metadata.labels["topology.istio.io/network"]: "net\\u001b[2J\\u202eevil" -> network1');
    expect(out).toMatch(/- metadata\.annotations\.note: "x{60}…" \(500 chars\)\n/);
    expect(showValue({ note: 'y'.repeat(500) })).toMatch(/^\{"note":"y+… \(1 keys\)$/);
  });

  test('lists: keyed by name when every element has a distinct one, else aligned so an insertion is one addition', () => {
    const pod = (env: any[]) => ({ spec: { containers: [{ name: 'istio-proxy', env }] } });
    expect(diffFields(pod([{ name: 'A', value: '1' }, { name: 'B', value: '2' }]), pod([{ name: 'C', value: '0' }, { name: 'A', value: '1' }, { name: 'B', value: '3' }]))).toEqual([
      { op: 'add', path: 'spec.containers[name=istio-proxy].env[name=C]', after: { name: 'C', value: '0' } },
      { op: 'change', path: 'spec.containers[name=istio-proxy].env[name=B].value', before: '2', after: '3' },
    ]);
    expect(diffFields({ r: ['a', 'b', 'c'] }, { r: ['a', 'x', 'b', 'c'] })).toEqual([{ op: 'add', path: 'r[1]', after: 'x' }]);
    expect(diffFields({ r: ['a', 'b', 'c'] }, { r: ['a', 'c'] })).toEqual([{ op: 'remove', path: 'r[1]', before: 'b' }]);
    expect(diffFields({ r: [{ p: 1 }, { p: 2 }] }, { r: [{ p: 1 }, { p: 3 }] })).toEqual([{ op: 'change', path: 'r[1].p', before: 2, after: 3 }]);
    expect(diffFields({ env: [{ name: 'A' }, { name: 'B' }] }, { env: [{ name: 'B' }, { name: 'A' }] })).toEqual([{ op: 'change', path: 'env', note: 'order changed (by name)' }]);
    // Key order is not a change (YAML mappings are unordered).
    expect(diffFields({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 })).toEqual([]);
    expect(diffLines('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual([{ op: 'remove', line: 'b' }, { op: 'add', line: 'B' }, { op: 'add', line: 'd' }]);
  });

  test('an object moved to another file, and a comment-only change, are changes too', () => {
    const fresh = render(DEFAULT_TOPOLOGY);
    const file = 'cluster1/00-namespaces/namespace_sample.yaml';
    const moved = fresh.map((f) => (f.path === file ? { ...f, path: 'cluster1/60-workloads/namespace_sample.yaml' } : f));
    expect(plan(moved, fresh)).toContain('  ~ Namespace sample\n      (file: 60-workloads/namespace_sample.yaml -> 00-namespaces/namespace_sample.yaml)\n');
    const helm = '_install-inputs/cluster1/helm-values-istiod.yaml';
    const commented = fresh.map((f) => (f.path === helm ? { ...f, content: `# edited\n${f.content}` } : f));
    expect(plan(commented, fresh)).toContain('  ~ cluster1/helm-values-istiod.yaml\n      (comments or formatting only)\n');
  });

  test('readTree does not follow symbolic links, and a link in place of a file is a change', () => {
    const dir = path.join(tempDir('plan-link-'), 'dist');
    const fresh = render(DEFAULT_TOPOLOGY);
    writeTreeAtomically(dir, fresh);
    const outside = path.join(path.dirname(dir), 'outside.txt');
    fs.writeFileSync(outside, 'TOPSECRET\n');
    fs.rmSync(path.join(dir, 'README.md'));
    fs.symlinkSync(outside, path.join(dir, 'README.md'));
    const tree = readTree(dir);
    expect(tree.find((f) => f.path === 'README.md')).toEqual({ path: 'README.md', content: '', regular: false });
    const out = plan(tree, fresh);
    expect(out).toContain('  ~ README.md\n      (not a regular file on disk (not read); a synth rewrites it)\n');
    expect(out).not.toContain('TOPSECRET');
  });
});

describe('the plan command: exit 0 unchanged, 1 changed, 2 error', () => {
  /** A temp directory with `dist/` written by a synth of the default topology. */
  function committed(): string {
    const dir = path.join(tempDir('plan-'), 'dist');
    writeTreeAtomically(dir, render(DEFAULT_TOPOLOGY));
    return dir;
  }
  const runPlan = (env: NodeJS.ProcessEnv, dir: string) => {
    let stdout = '';
    let stderr = '';
    const code = runPlanApp({ env, argv: [dir], stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
    return { code, stdout, stderr };
  };

  test('no change: exit 0 and says so', () => {
    const r = runPlan({}, committed());
    expect(r).toEqual({ code: PLAN_NO_CHANGES, stdout: 'No changes: a fresh synth equals the output on disk.\n', stderr: '' });
  });

  test('a topology error: exit 2, every problem on stderr, nothing on stdout, nothing written', () => {
    const dir = committed();
    const before = readTree(dir);
    const topo = path.join(path.dirname(dir), 'bad.json');
    fs.writeFileSync(topo, JSON.stringify({ ...DEFAULT_TOPOLOGY, clusters: [{ ...DEFAULT_TOPOLOGY.clusters[0], clusterName: 'Cluster_1' }, { ...DEFAULT_TOPOLOGY.clusters[1], network: '' }] }));
    const r = runPlan({ MESH_TOPOLOGY: topo }, dir);
    expect(r.code).toBe(PLAN_ERROR);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: \d+ problem\(s\) in .*bad\.json/);
    expect(r.stderr).toContain('cluster "Cluster_1", field "clusterName": is not a DNS-1123 label');
    expect(r.stderr).toContain('field "network": is not a valid network name');
    expect(readTree(dir)).toEqual(before);
  });

  test('the command as a process: exit 1 with the plan on stdout when the topology differs', () => {
    const dir = committed();
    const topo = path.join(path.dirname(dir), 'three.json');
    fs.writeFileSync(topo, JSON.stringify(three));
    const env = { ...process.env, MESH_TOPOLOGY: topo };
    const r = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'lib', 'src', 'plan.js'), dir], { env, encoding: 'utf8' });
    expect(r.status).toBe(PLAN_CHANGES);
    expect(r.stdout).toContain('  + ExternalSecret istio-system/istio-remote-secret-cluster3\n');
    expect(r.stdout).toMatch(/Plan: \d+ to add, \d+ to change, 0 to remove\.\n$/);
  });
});

describe('build: tsc runs only when an input changed (scripts/build.js)', () => {
  const { build, checkBuild, recordBuild } = require(path.join(PROJECT_ROOT, 'scripts', 'build.js'));
  const TSCONFIG = { compilerOptions: { outDir: 'lib', rootDir: '.', incremental: true, tsBuildInfoFile: 'lib/.tsbuildinfo', types: [] }, include: ['src/**/*.ts'] };

  /** A small project: two sources, the project's node_modules (TypeScript) linked in. */
  function project(): string {
    const root = tempDir('build-');
    fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    fs.writeFileSync(path.join(root, 'package.json'), '{"name":"p"}');
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    fs.writeFileSync(path.join(root, 'src', 'b.ts'), 'export const b = 2;\n');
    fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    return root;
  }

  test('skip check: unchanged or only touched -> skip; a changed, added or deleted source, config, build state or output -> build', () => {
    const root = project();
    // Outputs as a build would leave them (the check does not run tsc).
    fs.mkdirSync(path.join(root, 'lib', 'src'), { recursive: true });
    for (const f of ['a', 'b']) fs.writeFileSync(path.join(root, 'lib', 'src', `${f}.js`), '');
    fs.writeFileSync(path.join(root, 'lib', '.tsbuildinfo'), 'state 1');
    const check = () => checkBuild(root, 'tsconfig.json');
    expect(check()).toMatchObject({ upToDate: false, reason: 'no previous build' });
    recordBuild(root, 'tsconfig.json', check());
    expect(check()).toMatchObject({ upToDate: true });

    const a = path.join(root, 'src', 'a.ts');
    const future = new Date(Date.now() + 3600_000);
    fs.utimesSync(a, future, future);
    expect(check().upToDate).toBe(true); // contents decide, not times

    const changes: [string, () => void, () => void, string][] = [
      ['changed source', () => fs.appendFileSync(a, '// x\n'), () => fs.writeFileSync(a, 'export const a = 1;\n'), 'inputs changed'],
      ['added source', () => fs.writeFileSync(path.join(root, 'src', 'c.ts'), ''), () => fs.rmSync(path.join(root, 'src', 'c.ts')), 'inputs changed'],
      ['deleted source', () => fs.renameSync(path.join(root, 'src', 'b.ts'), path.join(root, 'b.ts')), () => fs.renameSync(path.join(root, 'b.ts'), path.join(root, 'src', 'b.ts')), 'inputs changed'],
      ['changed tsconfig', () => fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, compilerOptions: { ...TSCONFIG.compilerOptions, target: 'ES2015' } })), () => fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(TSCONFIG)), 'inputs changed'],
      ['changed package.json', () => fs.writeFileSync(path.join(root, 'package.json'), '{"name":"q"}'), () => fs.writeFileSync(path.join(root, 'package.json'), '{"name":"p"}'), 'inputs changed'],
      ['another tsc run', () => fs.writeFileSync(path.join(root, 'lib', '.tsbuildinfo'), 'state 2'), () => fs.writeFileSync(path.join(root, 'lib', '.tsbuildinfo'), 'state 1'), 'lib/.tsbuildinfo changed since the last build'],
      ['deleted output', () => fs.rmSync(path.join(root, 'lib', 'src', 'a.js')), () => fs.writeFileSync(path.join(root, 'lib', 'src', 'a.js'), ''), 'lib/src/a.js is missing'],
    ];
    for (const [name, change, undo, reason] of changes) {
      change();
      expect({ name, ...check() }).toMatchObject({ name, upToDate: false, reason });
      undo();
      expect({ name, ...check() }).toMatchObject({ name, upToDate: true });
    }
  });

  test('build: compiles a fresh tree, then skips; a deleted source is compiled away with its output', () => {
    const root = project();
    const log: string[] = [];
    const run = () => build(root, 'tsconfig.json', (s: string) => log.push(s));
    expect(run()).toBe(0);
    expect(log).toEqual(['build: tsconfig.json: no previous build, compiling\n']);
    expect(fs.readFileSync(path.join(root, 'lib', 'src', 'b.js'), 'utf8')).toContain('exports.b = 2');
    log.length = 0;
    expect(run()).toBe(0);
    expect(log).toEqual([]);
    fs.rmSync(path.join(root, 'src', 'b.ts'));
    expect(run()).toBe(0);
    expect(log).toEqual(['build: tsconfig.json: inputs changed, compiling\n', 'build: removed 1 compiled file(s) of deleted sources: lib/src/b.js\n']);
    expect(fs.existsSync(path.join(root, 'lib', 'src', 'b.js'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'lib', 'src', 'a.js'))).toBe(true);
    fs.writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a: number = "x";\n');
    log.length = 0;
    expect(run()).not.toBe(0); // a compile error fails the build and is not recorded as built
    expect(log.join('')).toContain("src/a.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.");
    expect(checkBuild(root, 'tsconfig.json').upToDate).toBe(false);
  });
});
