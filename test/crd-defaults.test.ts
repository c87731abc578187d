import * as path from 'path';
import { App } from 'cdk8s';
import { DEFAULT_TOPOLOGY, loadTopologyFile, Mesh, parseYamlDocuments, renderMesh } from '../src';
import { applyDefaults, crdSchemaOf, defaultedFields } from './support/crd-defaults';
import { exampleFiles, meshOf } from './support/mesh';

/**
 * Issue 10, defect 3: with server-side apply, the live object of a custom resource carries the fields its
 * CRD defaults. Every such field we leave out shows as a difference in a client-side diff (permanent
 * OutOfSync). So every custom resource we emit must already be a fixed point of the CRD's defaulting.
 */
/**
 * Defaults that may stay out of what we emit: `.status` (a status subresource is never written by an
 * apply), and the listener's `allowedRoutes` of the ambient east-west Gateway and of waypoints, which must
 * equal gen-eastwest-gateway.sh --ambient's and `istioctl waypoint apply`'s output exactly (issue 15); the
 * mesh's Applications compare with ServerSideDiff, which sees the defaulted live object.
 */
function exempt(o: any, field: string): boolean {
  if (field.startsWith('.status')) return true;
  return o.kind === 'Gateway' && o.apiVersion === 'gateway.networking.k8s.io/v1' && ['istio-east-west', 'istio-waypoint'].includes(o.spec?.gatewayClassName)
    && /^\.spec\.listeners\[\d+\]\.allowedRoutes: /.test(field);
}

describe('CRD defaulting: applying the pinned CRDs\' defaults changes nothing we emit', () => {
  test('the defaulting walk sets absent defaults, recursively, and keeps what is set', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string', default: 'x' },
        b: { type: 'object', default: {}, properties: { c: { type: 'integer', default: 3 } } },
        list: { type: 'array', items: { type: 'object', properties: { d: { type: 'string', default: 'None' } } } },
        map: { type: 'object', additionalProperties: { type: 'object', properties: { e: { type: 'boolean', default: false } } } },
      },
    };
    expect(applyDefaults({ a: 'y', list: [{}, { d: 'set' }], map: { k: {} } }, schema))
      .toEqual({ a: 'y', b: { c: 3 }, list: [{ d: 'None' }, { d: 'set' }], map: { k: { e: false } } });
    expect(defaultedFields({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x' }, spec: { target: { name: 'x' } } }))
      .toEqual(expect.arrayContaining(['.spec.target.deletionPolicy: "Retain"']));
  });

  const meshes: [string, () => Mesh][] = [
    ['default topology', () => meshOf(DEFAULT_TOPOLOGY)],
    ['default topology with the Sail Operator', () => meshOf({ ...DEFAULT_TOPOLOGY, argoCd: { ...DEFAULT_TOPOLOGY.argoCd!, istioInstall: 'sailOperator' } })],
    ...exampleFiles().map((f): [string, () => Mesh] => [path.basename(f), () => loadTopologyFile(new App(), 'mesh', f)]),
  ];
  test.each(meshes)('%s', (_name, mesh) => {
    const objects = renderMesh(mesh()).filter((f) => f.path.endsWith('.yaml') && !f.path.startsWith('_install-inputs/') && !f.path.startsWith('_vm/'))
      .flatMap((f) => (parseYamlDocuments(f.content) as any[]).map((o) => ({ file: f.path, o })));
    const custom = objects.filter(({ o }) => o && crdSchemaOf(o));
    expect(custom.length).toBeGreaterThan(0);
    const defaulted = custom.map(({ file, o }) => ({ file, fields: defaultedFields(o).filter((f) => !exempt(o, f)) })).filter((x) => x.fields.length > 0);
    expect(defaulted).toEqual([]);
  });
});
