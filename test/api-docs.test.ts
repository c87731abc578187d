/**
 * docs/API.md is generated from the doc comments (scripts/api-docs.js, `npm run docs`) and committed: it must
 * equal a fresh generation, like dist/ equals a fresh synth.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from './support/mesh';

const { generateApiDocs, OUTPUT } = require(path.join(PROJECT_ROOT, 'scripts', 'api-docs.js'));

describe('API docs', () => {
  const fresh: string = generateApiDocs(PROJECT_ROOT);

  test('the committed docs/API.md equals a fresh generation (run `npm run docs` after changing doc comments)', () => {
    expect(fs.readFileSync(path.join(PROJECT_ROOT, OUTPUT), 'utf8')).toBe(fresh);
  });

  test('it documents the public API from the doc comments, with props, defaults and links', () => {
    const section = (heading: string) => {
      const start = fresh.indexOf(`${heading}\n`);
      expect({ heading, found: start >= 0 }).toEqual({ heading, found: true });
      const end = fresh.indexOf('\n### ', start + 1);
      return fresh.slice(start, end < 0 ? undefined : end);
    };
    const mesh = section('### class `Mesh`');
    expect(mesh).toContain('`class Mesh extends Construct`');
    expect(mesh).toContain('- `new Mesh(scope: Construct, id: string, props: MeshProps)`');
    expect(mesh).toMatch(/- `addCluster\(name: string, props: ClusterProps\): Cluster` — Declares a cluster\./);
    expect(mesh).toContain('*See:* https://istio.io/latest/docs/ops/deployment/deployment-models/');
    expect(section('### interface `ApplicationProps`')).toMatch(/`readonly defaultDeny\?: boolean` — Deny every call[^\n]*\\\n  \*Default:\* false/);
    expect(section('### function `synthesizeMesh`')).toContain('`synthesizeMesh(');
    // Every module src/index.ts re-exports has its section, in that order.
    const modules = [...fs.readFileSync(path.join(PROJECT_ROOT, 'src/index.ts'), 'utf8').matchAll(/from '\.\/(.+)'/g)].map((m) => `## src/${m[1]}.ts`);
    const positions = modules.map((m) => fresh.indexOf(`\n${m}\n`));
    expect(modules.filter((_, i) => positions[i] < 0)).toEqual([]);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  test('members that are @internal, private or underscored are not documented', () => {
    expect(fresh).not.toContain('_build');
    expect(fresh).not.toContain('_changed');
    expect(fresh).not.toMatch(/`new Network\(/); // @internal: networks come from Mesh.addNetwork()
    expect(fresh).not.toMatch(/`new Application\(/); // @internal: applications come from Mesh.addApplication()
    expect(fresh).not.toMatch(/`private /);
  });
});
