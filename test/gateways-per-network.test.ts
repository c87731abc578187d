import * as path from 'path';
import { App } from 'cdk8s';
import { loadTopologyFile } from '../src';
import { meshOf, objectsByCluster, PROJECT_ROOT, problemsOf } from './support/mesh';

/**
 * Issue 10, defect 7: east-west gateways are per network. Istio routes cross-network traffic to any
 * gateway of the destination network (pilot/pkg/model/network.go, selectNetworkGateways: "If there is no
 * match for the network+cluster, then all gateways matching the network are returned"), and every
 * primary discovers every cluster, so a remote on a network with a primary's gateway needs none.
 */
describe('east-west gateways per network', () => {
  const FIVE = path.join(PROJECT_ROOT, 'examples', 'multi-primary-remotes-multi-network.yaml');
  const c = (name: string, network: string, more: any = {}) => ({ clusterName: name, network, apiServer: `https://${name}.example.com`, ...more });
  const topo = (...clusters: any[]) => ({ meshID: 'm', secretStore: { name: 's' }, clusters });

  test('five-cluster mixed example: one gateway where a network has no primary gateway, none on remotes that share one', () => {
    const mesh = loadTopologyFile(new App(), 'mesh', FIVE);
    const objects = objectsByCluster(mesh);
    const gateways = Object.fromEntries(mesh.clusters.map((cl) => [cl.name, objects[cl.name].some((o) => o.kind === 'Deployment' && o.metadata.name === 'istio-eastwestgateway')]));
    expect(gateways).toEqual({ east1: true, east2: false, west1: true, west2: false, edge1: true });
    // Every network has a gateway; every primary serving remotes has one with a known address.
    for (const n of mesh.networks) expect(n.clusters.some((cl) => cl.hasEastWestGateway)).toBe(true);
    // The remote on another network than its primary reaches istiod through the primary's gateway.
    const west2 = mesh.cluster('west2')!;
    expect(west2.network.name).not.toBe(west2.controlPlane.servedBy!.network.name);
    expect(west2.installInputs.releases.find((r) => r.chart === 'istiod')!.values).toMatchObject({ global: { remotePilotAddress: '192.0.2.10', network: 'west' } });
  });

  test('a remote on a network with a primary\'s gateway: no gateway by default, and turning it off is allowed', () => {
    const base = [c('p1', 'n1', { eastWestGateway: { address: '192.0.2.1' } }), c('p2', 'n2')];
    const byDefault = meshOf(topo(...base, c('r', 'n2', { primaryClusterName: 'p1' })));
    expect(byDefault.cluster('r')!.hasEastWestGateway).toBe(false);
    expect(() => meshOf(topo(...base, c('r', 'n2', { primaryClusterName: 'p1', eastWestGateway: { enabled: false } }))).build()).not.toThrow();
    // Still possible to give it one explicitly.
    expect(meshOf(topo(...base, c('r', 'n2', { primaryClusterName: 'p1', eastWestGateway: { enabled: true } }))).cluster('r')!.hasEastWestGateway).toBe(true);
  });

  test('a network whose only gateway-capable cluster turns it off is refused, naming the network', () => {
    const p = problemsOf(topo(c('p1', 'n1', { eastWestGateway: { address: '192.0.2.1' } }), c('r', 'n2', { primaryClusterName: 'p1', eastWestGateway: { enabled: false } })));
    expect(p).toEqual([expect.objectContaining({ cluster: 'r', field: 'eastWestGateway.enabled', message: expect.stringMatching(/network "n2" has no east-west gateway/) })]);
  });

  test('a remote alone on its network (or with other remotes only) gets a gateway by default', () => {
    const mesh = meshOf(topo(c('p1', 'n1', { eastWestGateway: { address: '192.0.2.1' } }), c('r1', 'n2', { primaryClusterName: 'p1' }), c('r2', 'n2', { primaryClusterName: 'p1' })));
    expect([mesh.cluster('r1')!.hasEastWestGateway, mesh.cluster('r2')!.hasEastWestGateway]).toEqual([true, true]);
  });
});
