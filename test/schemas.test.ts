import * as path from 'path';
import { App } from 'cdk8s';
import { DEFAULT_TOPOLOGY, loadTopologyFile, Mesh, parseYamlDocuments, renderMesh } from '../src';
import { exampleFiles, meshOf, objectsByCluster } from './support/mesh';
import { expectValid, validateObject } from './support/schema-validator';

/**
 * Every synthesized object of every example is valid against the pinned upstream schemas: the CRDs
 * copied into crds/ (Istio 1.30.3, External Secrets 2.9.0, cert-manager 1.21.1, Argo CD 3.5.1, Sail
 * Operator 1.30.3) and the Kubernetes 1.27 schema. Checked on the emitted YAML, as it reaches a cluster.
 */
function emittedObjects(mesh: Mesh): any[] {
  return renderMesh(mesh)
    .filter((f) => f.path.endsWith('.yaml') && !f.path.endsWith('kustomization.yaml') && !f.path.startsWith('_install-inputs/') && !f.path.startsWith('_vm/'))
    .flatMap((f) => parseYamlDocuments(f.content));
}

describe('every object validates against the upstream schemas', () => {
  const cases: [string, () => Mesh][] = [
    ['default topology', () => meshOf(DEFAULT_TOPOLOGY)],
    ...exampleFiles().map((f): [string, () => Mesh] => [path.basename(f), () => loadTopologyFile(new App(), 'mesh', f)]),
  ];

  test.each(cases)('%s', (_name, build) => {
    const all = emittedObjects(build());
    expect(all.length).toBeGreaterThan(0);
    expectValid(all);
  });

  test('the examples cover every kind of object the library emits', () => {
    const kinds = new Set(cases.flatMap(([, build]) => emittedObjects(build()).map((o) => `${o.apiVersion} ${o.kind}`)));
    expect([...kinds].sort()).toEqual([
      'apps/v1 Deployment', 'argoproj.io/v1alpha1 AppProject', 'argoproj.io/v1alpha1 Application', 'autoscaling/v2 HorizontalPodAutoscaler',
      'cert-manager.io/v1 Certificate', 'external-secrets.io/v1 ExternalSecret', 'external-secrets.io/v1alpha1 PushSecret', 'gateway.networking.k8s.io/v1 Gateway',
      'networking.istio.io/v1 DestinationRule', 'networking.istio.io/v1 Gateway', 'networking.istio.io/v1 Sidecar', 'networking.istio.io/v1 VirtualService',
      'networking.istio.io/v1 WorkloadEntry', 'networking.istio.io/v1 WorkloadGroup',
      'rbac.authorization.k8s.io/v1 ClusterRole', 'rbac.authorization.k8s.io/v1 ClusterRoleBinding', 'rbac.authorization.k8s.io/v1 Role',
      'rbac.authorization.k8s.io/v1 RoleBinding', 'sailoperator.io/v1 Istio', 'sailoperator.io/v1 IstioCNI', 'sailoperator.io/v1 IstioRevisionTag', 'sailoperator.io/v1 ZTunnel', 'security.istio.io/v1 AuthorizationPolicy', 'security.istio.io/v1 PeerAuthentication',
      'v1 ConfigMap', 'v1 Namespace', 'v1 Secret', 'v1 Service', 'v1 ServiceAccount',
    ]);
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
