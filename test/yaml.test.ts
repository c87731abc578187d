import * as path from 'path';
import { App } from 'cdk8s';
import * as jsyaml from 'js-yaml';
import { DEFAULT_TOPOLOGY, loadTopologyFile, renderMesh, toYaml } from '../src';
import { exampleFiles, meshOf } from './support/mesh';

const roundTrip = (v: unknown) => jsyaml.load(toYaml(v));

describe('the YAML emitter', () => {
  const TRICKY = [
    '', ' ', 'a', 'yes', 'No', 'ON', 'off', 'y', 'N', 'true', 'False', 'null', 'NULL', '~', '-', '- a', '? a', ': a', 'a: b', 'a:b', 'a #b', 'a#b',
    '#c', '*.local', '*', '&x', '!tag', '|', '>', '%x', '@x', '`x', '"x"', "'x'", "it's", '[a]', '{a}', 'a,b', '1', '-1', '+1', '0.5', '.5', '1e3', '1E-3',
    '.inf', '-.inf', '.nan', '0x1F', '0o17', '0777', '0b101', '1_000', '1:20', '190:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
    '10.10.0.0/16', '100m', '128Mi', '1.30.3', 'v1.30.3', 'https://a.example.com:6443', 'a  b', 'a ', ' a', 'tab\there', 'nul\u0000', 'bell\u0007',
    '\u2028', 'é', '日本', 'emoji 🚀', '=', '<<', 'a\nb', 'a\nb\n', 'a\nb\n\n', '\nleading', ' leading\nspace', 'trailing space \nx', 'x\n  indented\ny',
    'cr\r\nlf', '{{ index . "token" }}', 'key: {{ .x }}\n', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', '\n', '\n\n', 'a\n\nb',
  ];

  test.each(TRICKY.map((s) => [JSON.stringify(s), s]))('string %s round-trips as a value, a key and a list item', (_label, s) => {
    expect(roundTrip({ v: s })).toEqual({ v: s });
    if (s === '<<') expect(() => toYaml({ [s]: 1 })).toThrow(/kustomize drops it/); // see yaml-property.test.ts
    else expect(roundTrip({ [s]: 1 })).toEqual({ [s]: 1 });
    expect(roundTrip([s, { k: [s] }])).toEqual([s, { k: [s] }]);
  });

  test('YAML 1.1 booleans, nulls, sexagesimals, octals and timestamps are never written plain (Kubernetes reads YAML 1.1)', () => {
    for (const s of ['yes', 'No', 'on', 'OFF', 'y', 'n', 'null', '1:20', '0777', '0x1F', '2001-12-14', '1e3', '1.30.3', '15020']) {
      expect(toYaml({ v: s })).not.toBe(`v: ${s}\n`);
    }
    expect(toYaml({ v: '10.10.0.0/16', w: 'istio-system', x: 'https://a.example.com:6443', z: '100m', y: 1 }))
      .toBe('v: 10.10.0.0/16\nw: istio-system\nx: https://a.example.com:6443\nz: 100m\n\'y\': 1\n'); // even the key y is a YAML 1.1 boolean
  });

  test('numbers, booleans, null, empty containers, nesting', () => {
    const v = { a: 1, b: -2.5, c: true, d: false, e: null, f: {}, g: [], h: [[1, [2]], [], {}, { x: { y: [{ z: 1 }] } }], i: [null] };
    expect(roundTrip(v)).toEqual(v);
    expect(toYaml([])).toBe('[]\n');
    expect(toYaml({})).toBe('{}\n');
  });

  test('multi-line strings are literal block scalars', () => {
    expect(toYaml({ k: 'a\nb\n' })).toBe('k: |\n  a\n  b\n');
    expect(toYaml({ k: 'a\nb' })).toBe('k: |-\n  a\n  b\n');
    expect(toYaml([{ k: 'a\n' }])).toBe('- k: |\n    a\n');
  });

  test('undefined members are left out, as JSON does', () => {
    expect(toYaml({ a: undefined, b: 1 })).toBe('b: 1\n');
  });

  test.each([['default topology', ''], ...exampleFiles().map((f) => [path.basename(f), f])])('every emitted file of %s parses back to exactly its object', (_name, file) => {
    const mesh = file ? loadTopologyFile(new App(), 'mesh', file) : meshOf(DEFAULT_TOPOLOGY);
    mesh.build();
    const objects = mesh.clusters.flatMap((c) => require('../src').renderCluster(c).map((r: any) => r.manifest));
    for (const o of objects) expect(jsyaml.load(toYaml(o))).toEqual(JSON.parse(JSON.stringify(o)));
    for (const f of renderMesh(mesh).filter((x) => x.path.endsWith('.yaml'))) expect(() => jsyaml.loadAll(f.content)).not.toThrow();
  });
});
