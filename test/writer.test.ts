import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { meshFromTopology, renderMesh, StagedTree, synthesizeMesh } from '../src';
import { benchTopology } from '../bench/topology';
import { COMPLETE_MARKER, MARKER_FILE } from '../src/output/output-marker';
import { snapshotDir } from './support/mesh';


describe('the atomic writer', () => {
  test('a large synth (writing thread) writes exactly the rendered tree', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'large-')), 'dist');
    const topology = benchTopology(40); // 40×39 remote secrets: well past the thread threshold
    synthesizeMesh(meshFromTopology(new App(), 'mesh', topology), { outdir: out });
    const expected = Object.fromEntries(renderMesh(meshFromTopology(new App(), 'mesh', topology)).map((f) => [f.path, f.content]));
    expect(Object.keys(expected).length).toBeGreaterThan(2500);
    expect(snapshotDir(out)).toEqual({ ...expected, [MARKER_FILE]: COMPLETE_MARKER });
  });

  test('a failure on the writing thread fails the commit and leaves the previous output untouched', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'fail-'));
    const out = path.join(parent, 'dist');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, MARKER_FILE), COMPLETE_MARKER);
    fs.mkdirSync(path.join(out, 'c'));
    fs.writeFileSync(path.join(out, 'c', 'keep.yaml'), 'kept\n');
    const tree = new StagedTree(out);
    for (let i = 0; i < 2500; i++) tree.write({ path: `c/f${i}.yaml`, content: 'x\n' });
    tree.write({ path: 'c/f2400.yaml/child.yaml', content: 'a file cannot be a directory\n' });
    expect(() => tree.commit()).toThrow(/writing the staging tree failed at .*f2400\.yaml: something already exists where synth must create a file or directory \(EEXIST\)/);
    expect(snapshotDir(out)).toEqual({ 'c/keep.yaml': 'kept\n', [MARKER_FILE]: COMPLETE_MARKER });
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('refuses paths outside the output directory', () => {
    const tree = new StagedTree(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'escape-')), 'dist'));
    expect(() => tree.write({ path: '../escape.yaml', content: '' })).toThrow(/outside the output directory/);
    expect(() => tree.write({ path: MARKER_FILE, content: '' })).toThrow(/reserved for the output's marker/);
    tree.abort();
  });

  test('something not ours appearing at the output while rendering: not replaced, staging removed', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'appear-'));
    const out = path.join(parent, 'dist');
    const tree = new StagedTree(out);
    tree.write({ path: 'c/a.yaml', content: 'a: 1\n' });
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'mine.txt'), 'made meanwhile\n');
    expect(() => tree.commit()).toThrow(/is a non-empty directory that synth did not write/);
    expect(snapshotDir(out)).toEqual({ 'mine.txt': 'made meanwhile\n' });
    expect(fs.readdirSync(parent)).toEqual(['dist']);
  });

  test('a lock taken from us during the synth: nothing swapped in', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'stolen-'));
    const out = path.join(parent, 'dist');
    const tree = new StagedTree(out);
    tree.write({ path: 'c/a.yaml', content: 'a: 1\n' });
    fs.writeFileSync(path.join(parent, '.dist.lock'), `pid: ${process.ppid}\n`);
    expect(() => tree.commit()).toThrow(/the lock of .*dist was taken by another process during the synth/);
    expect(fs.readdirSync(parent)).toEqual(['.dist.lock']);
  });
});
