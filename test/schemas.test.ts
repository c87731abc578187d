import * as path from 'path';
import { App } from 'cdk8s';
import { DEFAULT_TOPOLOGY, loadTopologyFile } from '../src';
import { exampleFiles, meshOf, objectsByCluster } from './support/mesh';
import { expectValid, validateObject } from './support/schema-validator';

/**
 * Every synthesized object of every example is valid against the pinned upstream schemas: the CRDs
 * copied into crds/ (Istio 1.30.3, ...) and the Kubernetes 1.27 schema.
 */
describe('every object validates against the upstream schemas', () => {
  const cases: [string, () => Record<string, any[]>][] = [
    ['default topology', () => objectsByCluster(meshOf(DEFAULT_TOPOLOGY))],
    ...exampleFiles().map((f): [string, () => Record<string, any[]>] =>
      [path.basename(f), () => objectsByCluster(loadTopologyFile(new App(), 'mesh', f))]),
  ];

  test.each(cases)('%s', (_name, render) => {
    const byCluster = render();
    const all = Object.values(byCluster).flat();
    expect(all.length).toBeGreaterThan(0);
    expectValid(all);
  });

  test('the validator rejects a broken object of ours (it can fail)', () => {
    const objects = objectsByCluster(meshOf(DEFAULT_TOPOLOGY)).cluster1;
    const gw = JSON.parse(JSON.stringify(objects.find((o) => o.kind === 'Gateway')));
    gw.spec.servers[0].tls.mode = 'AUTO_PASSTHRU';
    expect(validateObject(gw).length).toBeGreaterThan(0);
    const deploy = JSON.parse(JSON.stringify(objects.find((o) => o.kind === 'Deployment')));
    deploy.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(validateObject(deploy).length).toBeGreaterThan(0);
  });
});
