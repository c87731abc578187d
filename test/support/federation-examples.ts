import * as fs from 'fs';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { Mesh } from '../../src';
import { Federation } from '../../src/federation/federation';
import { TrustAnchor } from '../../src/federation/trust-anchor';
import { fixturePath } from './mesh';

/** The public root certificates of the examples (test/fixtures/federation/README.md). */
export const ROOT_CERT = {
  meshA: fs.readFileSync(fixturePath('federation', 'mesh-a-root-cert.pem'), 'utf8'),
  meshB: fs.readFileSync(fixturePath('federation', 'mesh-b-root-cert.pem'), 'utf8'),
};

/** examples/federation/two-meshes.yaml, written with the TypeScript API. */
export function twoMeshesFederation(scope: Construct = new App()): { federation: Federation; meshA: Mesh; meshB: Mesh } {
  const meshA = new Mesh(scope, 'mesh-a', { meshId: 'mesh-a', trustDomain: 'mesh-a.example.com', secretStore: { name: 'mesh-a-secrets' } });
  const clusterA = meshA.addCluster('cluster-a', {
    network: meshA.addNetwork('network-a'), apiServer: 'https://cluster-a.k8s.example.com:6443', eastWestGateway: { enabled: true, address: '192.0.2.10' },
  });
  const bookinfo = meshA.addApplication('bookinfo');
  const reviews = bookinfo.addService('reviews', { ports: [{ port: 9080, name: 'http' }] });
  bookinfo.addWorkload('reviews', {
    version: 'v1', image: 'registry.istio.io/release/examples-bookinfo-reviews-v1:1.20.3',
    serviceAccount: { name: 'bookinfo-reviews' }, ports: [9080], placement: { clusters: [clusterA] },
  });

  const meshB = new Mesh(scope, 'mesh-b', { meshId: 'mesh-b', trustDomain: 'mesh-b.example.com', secretStore: { name: 'mesh-b-secrets' } });
  const clusterB = meshB.addCluster('cluster-b', {
    network: meshB.addNetwork('network-b'), apiServer: 'https://cluster-b.k8s.example.com:6443', eastWestGateway: { enabled: true, address: '192.0.2.20' },
  });
  const productpage = meshB.addApplication('frontend').addWorkload('productpage', {
    version: 'v1', image: 'registry.istio.io/release/examples-bookinfo-productpage-v1:1.20.3',
    serviceAccount: { name: 'bookinfo-productpage' }, ports: [9080], placement: { clusters: [clusterB] },
  });

  const federation = new Federation(scope, 'federation', {
    meshes: [
      { mesh: meshA, trustAnchor: TrustAnchor.fromPem(ROOT_CERT.meshA) },
      { mesh: meshB, trustAnchor: TrustAnchor.fromPem(ROOT_CERT.meshB) },
    ],
  });
  federation.export(meshA, reviews, { to: meshB, callers: [productpage] });
  return { federation, meshA, meshB };
}
