/**
 * File-system errors become problems (issue 9: they were raw errno text): the path, what happened in
 * words, the fix; and the output stays as it was. Real errors where the machine allows them: a file in
 * the path, a name too long, a full or read-only file system and a mount point (tmpfs mounts: root only),
 * a directory synth may not write (chattr +i as root, chmod otherwise).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { benchTopology } from '../bench/topology';
import { fileSystemProblem } from '../src/output/output-problem';
import { runSynth, workspaceWithOutput } from './support/hostile';
import { snapshotTree, tmp } from './support/outdir';

function problemLine(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.includes('field "CDK8S_OUTDIR"'));
  if (line === undefined || !line.includes(' Fix: ')) throw new Error(`expected a CDK8S_OUTDIR problem with a fix:\n${stderr}`);
  return line;
}

describe('every errno a synth can meet reads as words, a path and a fix', () => {
  test.each(['EACCES', 'EPERM', 'ENOSPC', 'EDQUOT', 'EROFS', 'ENOTDIR', 'EISDIR', 'ENOENT', 'ENAMETOOLONG', 'ELOOP', 'EMFILE', 'ENFILE', 'EBUSY', 'EXDEV', 'EIO', 'ENOTEMPTY', 'EEXIST'])('%s', (code) => {
    const e = Object.assign(new Error(`${code}: raw text, open '/x/y'`), { code, path: '/out/.dist.staging-1/c1/f.yaml' });
    const [p] = fileSystemProblem(e, { field: 'CDK8S_OUTDIR', value: 'dist' }, 'writing the staging tree', '/out/dist').problems;
    expect(p.field).toBe('CDK8S_OUTDIR');
    expect(p.value).toBe('dist');
    expect(p.message).toMatch(new RegExp(`^writing the staging tree failed at /out/\\.dist\\.staging-1/c1/f\\.yaml: [a-z][a-z /,()'-]+ \\(${code}\\); the output directory was left as it was$`));
    expect(p.message).not.toContain('raw text');
    expect(p.fix.length).toBeGreaterThan(20);
  });

  test('an unknown code keeps the system text without the code prefix, and a generic fix', () => {
    const e = Object.assign(new Error("EWEIRD: strange thing, open '/x'"), { code: 'EWEIRD', path: '/x' });
    const [p] = fileSystemProblem(e, { field: 'outdir', value: 'o' }, 'writing', '/o').problems;
    expect(p.message).toBe('writing failed at /x: strange thing (EWEIRD); the output directory was left as it was');
    expect(p.fix).toBe('fix the cause at /x, or choose another output directory, and run synth again');
  });
});

describe('real file-system errors', () => {
  test('a file where a directory of the path must be (ENOTDIR)', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'out'), 'a file\n');
    const r = runSynth({ CDK8S_OUTDIR: path.join(dir, 'out', 'dist') });
    expect(r.code).toBe(1);
    expect(problemLine(r.stderr)).toMatch(/failed at .*\/out\/dist: a part of the path is a file, not a directory \(ENOTDIR\).* Fix: rename or remove that file/);
    expect(snapshotTree(dir)).toEqual({ out: 'a file\n' });
  });

  test('a name longer than the file system allows (ENAMETOOLONG)', () => {
    const dir = tmp();
    const r = runSynth({ CDK8S_OUTDIR: path.join(dir, 'x'.repeat(300)) });
    expect(r.code).toBe(1);
    expect(problemLine(r.stderr)).toMatch(/the path is longer than the file system allows \(ENAMETOOLONG\).* Fix: choose a shorter output directory path/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  const isRoot = process.getuid?.() === 0;
  test(isRoot ? 'a directory synth may not write (EPERM: immutable, as root)' : 'a directory synth may not write (EACCES)', () => {
    const { dir, outdir } = workspaceWithOutput();
    const before = snapshotTree(dir);
    if (isRoot) execFileSync('chattr', ['+i', dir]);
    else fs.chmodSync(dir, 0o555);
    try {
      const r = runSynth({ CDK8S_OUTDIR: outdir });
      expect(r.code).toBe(1);
      expect(problemLine(r.stderr)).toMatch(isRoot
        ? /taking the lock of the output directory failed at .*\.dist\.lock: operation not permitted .*\(EPERM\).* Fix: check the permissions and attributes of/
        : /taking the lock of the output directory failed at .*\.dist\.lock: permission denied \(EACCES\).* Fix: give the user running synth write permission on/);
    } finally {
      if (isRoot) execFileSync('chattr', ['-i', dir]);
      else fs.chmodSync(dir, 0o755);
    }
    expect(snapshotTree(dir)).toEqual(before);
  });
});

const canMount = process.getuid?.() === 0 && (() => {
  const probe = tmp('mount-probe-');
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  return ok;
})();

(canMount ? describe : describe.skip)('on small tmpfs mounts (root only)', () => {
  const mounts: string[] = [];
  function mount(size: string): string {
    const at = tmp('mnt-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', at]);
    mounts.push(at);
    return at;
  }
  afterAll(() => mounts.forEach((m) => spawnSync('umount', [m])));

  test('a full file system on the main thread (ENOSPC): the old output kept, no temporary tree', () => {
    const at = mount('512k');
    const outdir = path.join(at, 'dist');
    expect(runSynth({ CDK8S_OUTDIR: outdir }).code).toBe(0); // ~350 kB
    const before = snapshotTree(at);
    const r = runSynth({ CDK8S_OUTDIR: outdir });
    expect(r.code).toBe(1);
    expect(problemLine(r.stderr)).toMatch(/writing the staging tree failed at .*\.dist\.staging-[0-9]+\/.*: no space left on the device \(ENOSPC\).* Fix: free space on the file system holding .*dist \(df -h\)/);
    expect(snapshotTree(at)).toEqual(before);
  });

  test('a full file system on the writing thread of a large synth (ENOSPC)', () => {
    const at = mount('2m');
    const topology = path.join(tmp(), 'big.json');
    fs.writeFileSync(topology, JSON.stringify(benchTopology(40)));
    const r = runSynth({ CDK8S_OUTDIR: path.join(at, 'dist'), MESH_TOPOLOGY: topology });
    expect(r.code).toBe(1);
    expect(problemLine(r.stderr)).toMatch(/writing the staging tree failed at .*\.dist\.staging-[0-9]+\/.*\.yaml: no space left on the device \(ENOSPC\)/);
    expect(fs.readdirSync(at)).toEqual([]);
  });

  test('a read-only file system (EROFS)', () => {
    const at = mount('1m');
    const outdir = path.join(at, 'dist');
    expect(runSynth({ CDK8S_OUTDIR: outdir }).code).toBe(0);
    const before = snapshotTree(at);
    execFileSync('mount', ['-o', 'remount,ro', at]);
    const r = runSynth({ CDK8S_OUTDIR: outdir });
    expect(r.code).toBe(1);
    expect(problemLine(r.stderr)).toMatch(/failed at .*: the file system is read-only \(EROFS\).* Fix: choose an output directory on a writable file system/);
    expect(snapshotTree(at)).toEqual(before);
  });

  test('the output directory is a mount point (cannot be renamed: EBUSY)', () => {
    const outer = tmp();
    const at = path.join(outer, 'dist');
    fs.mkdirSync(at);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', at]);
    mounts.push(at);
    expect(runSynth({ CDK8S_OUTDIR: at }).code).toBe(1); // empty mount: accepted, but the swap cannot rename it
    const r = runSynth({ CDK8S_OUTDIR: at });
    expect(problemLine(r.stderr)).toMatch(/swapping the new tree into place failed at .*dist.*: the directory is busy \(a mount point, or in use by another program\) \(EBUSY\).* Fix: synth replaces .*dist by renaming it, which a mount point cannot be: choose a directory inside the mount/);
    expect(fs.readdirSync(at)).toEqual([]);
    expect(fs.readdirSync(outer)).toEqual(['dist']);
  });
});
