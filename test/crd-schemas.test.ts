import * as fs from 'fs';
import * as path from 'path';
import { crdSchemaIndex, CRD_SCHEMA_DIR } from '../src/output/crd-schema-index';
import { PROJECT_ROOT } from './support/mesh';

const CRDS = path.join(PROJECT_ROOT, 'crds');

test('crds/schemas/ is exactly what scripts/crd-schemas.js makes of crds/*.yaml (run npm run crd-schemas)', () => {
  const committed: Record<string, string> = {};
  for (const f of fs.readdirSync(path.join(CRDS, CRD_SCHEMA_DIR))) committed[f] = fs.readFileSync(path.join(CRDS, CRD_SCHEMA_DIR, f), 'utf8');
  expect(committed).toEqual(crdSchemaIndex(CRDS));
});

test('the extracted schemas have every kind of the CRD files, with status reduced to an open object', () => {
  const index = JSON.parse(fs.readFileSync(path.join(CRDS, CRD_SCHEMA_DIR, 'index.json'), 'utf8')) as string[];
  expect(index).toEqual(expect.arrayContaining(['networking.istio.io/VirtualService', 'argoproj.io/Application', 'external-secrets.io/PushSecret', 'sailoperator.io/Istio']));
  const application = JSON.parse(fs.readFileSync(path.join(CRDS, CRD_SCHEMA_DIR, 'argoproj.io_Application.json'), 'utf8'));
  expect(application[0].schema.properties.spec).toBeDefined();
  expect(application[0].schema.properties.status).toEqual({ 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true });
});

describe('the generated validators (crds/schemas/<group>_<kind>.js) find what ajv compiling the schema finds', () => {
  const errorsOf = (validate: any, data: unknown) => (validate(data) ? [] : validate.errors.map((e: any) => ({
    instancePath: e.instancePath, schemaPath: e.schemaPath, keyword: e.keyword, params: e.params, message: e.message, parentSchema: e.parentSchema, schema: e.schema,
  })));
  // Each case breaks the schema in several ways: unknown fields, types, required fields, enums, list-map keys.
  const cases: [string, string, string, unknown][] = [
    ['cert-manager.io', 'ClusterIssuer', 'v1', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'x' }, spec: { acme: { server: 1, privateKeySecretRef: { name: 'k' }, solvers: [{ http01: { ingress: { podTemplate: { spec: { imagePullSecrets: [{ name: 'a' }, { name: 'a' }] } } } } }] } } }],
    ['networking.istio.io', 'VirtualService', 'v1', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'x' }, spec: { hosts: ['a'], htpp: [], http: [{ route: [{ destination: { hots: 'b' }, weight: 'x' }] }] } }],
    ['networking.istio.io', 'DestinationRule', 'v1', { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'x' }, spec: { trafficPolicy: { tls: { mode: 'MUTUAL_TLS' } } } }],
    ['argoproj.io', 'Application', 'v1alpha1', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x' }, spec: { project: 'p', sourc: {}, syncPolicy: { syncOptions: 3 } } }],
    ['external-secrets.io', 'ExternalSecret', 'v1', { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x' }, spec: { secretStoreRef: { name: 's', kind: 'Nope' }, data: [{ secretKey: 'a' }] } }],
  ];
  const seenKeywords: string[] = [];
  afterAll(() => expect(new Set(seenKeywords)).toEqual(new Set(['additionalProperties', 'type', 'required', 'enum', 'k8sListMapKeys'])));
  test.each(cases)('%s %s %s', (group, kind, version, data) => {
    const { compileCrdValidator } = require('../src/output/manifest-schema');
    const entries = JSON.parse(fs.readFileSync(path.join(CRDS, CRD_SCHEMA_DIR, `${group}_${kind}.json`), 'utf8'));
    const entry = entries.find((e: any) => e.version === version);
    const generated = require(path.join(CRDS, CRD_SCHEMA_DIR, `${group}_${kind}.js`))[version]();
    const expected = errorsOf(compileCrdValidator(entry.schema), data);
    expect(expected.length).toBeGreaterThan(0);
    expect(errorsOf(generated, data)).toEqual(expected);
    seenKeywords.push(...expected.map((e: any) => e.keyword));
    expect(errorsOf(generated, { apiVersion: `${group}/${version}`, kind, metadata: { name: 'x' } })).toEqual(errorsOf(compileCrdValidator(entry.schema), { apiVersion: `${group}/${version}`, kind, metadata: { name: 'x' } }));
  });
});
