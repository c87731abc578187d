import * as fs from 'fs';
import * as path from 'path';
import * as jsyaml from 'js-yaml';
import { expectAccepted, expectRejected } from './support/hostile';
import { PROJECT_ROOT } from './support/mesh';

/**
 * Bad application input through the synth app (exactly what `node lib/src/main.js` runs): each is rejected
 * with exit 1, a message naming the application/service/cluster and field, the value and a fix, and the
 * previous output byte-identical (see test/support/hostile.ts).
 */
const load = (name: string): any => jsyaml.load(fs.readFileSync(path.join(PROJECT_ROOT, 'examples', name), 'utf8'));

/** The helloworld example with regions and zones on its clusters, mutated by `edit`, as file text. */
function helloworld(edit: (t: any, app: any) => void): string {
  const t = load('helloworld-primary-remote-multi-network.yaml');
  t.clusters[0].region = 'region1';
  t.clusters[0].zone = 'zone1';
  t.clusters[1].region = 'region2';
  t.clusters[1].zone = 'zone2';
  edit(t, t.applications[0]);
  return jsyaml.dump(t);
}
const service = (app: any, name: string) => app.services.find((s: any) => s.name === name);
const workload = (app: any, name: string) => app.workloads.find((w: any) => w.name === name);
const HW = 'applications.helloworld';

describe('rejected applications: nothing written, the problem named with the value and a fix', () => {
  test('the base topology is accepted (so each case fails for its own reason)', () => {
    expect(Object.keys(expectAccepted(helloworld(() => undefined)))).toContain('cluster2/60-workloads/deployment_sample_helloworld-v2.yaml');
  });

  test('placement on an unknown cluster', () => {
    expectRejected(helloworld((_t, app) => { workload(app, 'helloworld').placement.clusters = ['cluster1', 'clusterr2']; }),
      { field: `${HW}.workloads.helloworld-v1.placement.clusters[1]`, contains: ['"clusterr2"', 'did you mean "cluster2"?'] });
  });

  test('an environment value kustomize and go-yaml cannot read back', () => {
    expectRejected(helloworld((_t, app) => { workload(app, 'helloworld').env = { GREETING: 'hi\u0085there' }; }),
      { field: `${HW}.workloads.helloworld-v1.env.GREETING`, contains: ['U+0085', 'remove the control character'] });
  });

  test('an override for a cluster not in the placement', () => {
    expectRejected(helloworld((_t, app) => { workload(app, 'helloworld').placement.clusters = ['cluster1']; }),
      { cluster: 'cluster2', field: `${HW}.workloads.helloworld-v1.overrides[0].clusterName`, contains: ['is not in the workload\'s placement'] });
  });

  test('a patch path that does not exist', () => {
    expectRejected(helloworld((_t, app) => { workload(app, 'helloworld').overrides[0].clusterOverrides[0].path = '/spec/template/spec/containers/1/image'; }),
      { cluster: 'cluster2', field: `${HW}.workloads.helloworld-v1.overrides[0].clusterOverrides[0].path`, contains: ['"/spec/template/spec/containers/1/image"', 'does not exist'] });
  });

  test('route weights not summing to 100', () => {
    expectRejected(helloworld((_t, app) => { service(app, 'helloworld').routes = [{ to: [{ subset: 'v1', weight: 80 }, { subset: 'v2', weight: 30 }] }]; }),
      { field: `${HW}.services.helloworld.routes[0].to`, contains: ['sum to 110, not 100', '[80,30]'] });
  });

  test('a subset no workload provides', () => {
    expectRejected(helloworld((_t, app) => { service(app, 'helloworld').routes = [{ to: [{ subset: 'v3' }] }]; }),
      { field: `${HW}.services.helloworld.routes[0].to[0].subset`, contains: ['"v3"', 'Allowed: v1, v2'] });
  });

  test('locality weights not summing to 100', () => {
    expectRejected(helloworld((_t, app) => {
      service(app, 'helloworld').loadBalancing = { locality: { distribute: [{ from: 'region1/zone1/*', to: { 'region1/zone1/*': 70, 'region2/zone2/*': 20 } }] } };
    }), { field: `${HW}.services.helloworld.loadBalancing.locality.distribute[0].to`, contains: ['sum to 90, not 100'] });
  });

  test('locality naming a region no cluster has', () => {
    expectRejected(helloworld((_t, app) => { service(app, 'helloworld').loadBalancing = { locality: { failover: [{ from: 'region1', to: 'region3' }] } }; }),
      { field: `${HW}.services.helloworld.loadBalancing.locality.failover[0].to`, contains: ['"region3"', 'Allowed: region1, region2'] });
  });

  test('two services with one name in a namespace', () => {
    expectRejected(helloworld((_t, app) => { app.services.push({ name: 'helloworld', ports: [{ port: 5001, name: 'http' }] }); }),
      { field: `${HW}.services.helloworld`, contains: ['declared twice in namespace "sample"'] });
  });

  test('a namespace that is not a DNS-1123 label', () => {
    expectRejected(helloworld((_t, app) => { app.namespace = 'Sample_NS'; }), { field: `${HW}.namespace`, contains: ['"Sample_NS"', 'DNS-1123 label'] });
  });

  test('a service name that is not a DNS-1123 label', () => {
    expectRejected(helloworld((_t, app) => { service(app, 'sleep').name = 'sleep_svc'; }), { field: `${HW}.services.sleep_svc`, contains: ['"sleep_svc"'] });
  });

  test('a port name that defeats Istio\'s protocol selection', () => {
    expectRejected(helloworld((_t, app) => { service(app, 'helloworld').ports[0].name = 'web'; }),
      { field: `${HW}.services.helloworld.ports[0].name`, contains: ['"web"', 'rename it (e.g. "http-web") or set appProtocol'] });
  });

  test('a port list differing between clusters (the same Service declared twice, differently)', () => {
    expectRejected(helloworld((t, app) => {
      // helloworld only on cluster1 here; a second application declares it on cluster2 with another port.
      app.workloads = app.workloads.filter((w: any) => w.name === 'helloworld').map((w: any) => ({ ...w, placement: { clusters: ['cluster1'] }, overrides: [] }));
      app.services = [service(app, 'helloworld')];
      t.applications.push({
        name: 'helloworld-east', namespace: 'sample',
        services: [{ name: 'helloworld', ports: [{ port: 5000, name: 'http' }, { port: 9090, name: 'grpc' }] }],
        workloads: [{ name: 'helloworld', version: 'v2', image: 'docker.io/istio/examples-helloworld-v2', placement: { clusters: ['cluster2'] } }],
      });
    }), { cluster: 'cluster2', field: 'applications.helloworld-east.services.helloworld.ports', contains: ['in cluster "cluster1"', 'http:5000, grpc:9090', 'IST0170'] });
  });

  test('a caller that does not exist', () => {
    expectRejected(helloworld((_t, app) => { service(app, 'helloworld').allowCallsFrom = ['slep']; }),
      { field: `${HW}.services.helloworld.allowCallsFrom[0]`, contains: ['"slep"', 'did you mean "sleep"?'] });
  });

  test('an exposed service that does not exist', () => {
    expectRejected(helloworld((_t, app) => { app.ingress = { clusters: ['cluster1'], routes: [{ service: 'hello' }] }; }),
      { field: `${HW}.ingress.routes[0].service`, contains: ['"hello"'] });
  });

  test('an ingress on a cluster that can have no gateway for it (the external control plane\'s host)', () => {
    const t = load('external-control-plane.yaml');
    t.applications = [{
      name: 'web', services: [{ name: 'web', ports: [{ port: 80, name: 'http' }] }],
      workloads: [{ name: 'web', image: 'nginx:1.27', placement: { clusters: ['cluster1'] } }],
      ingress: { clusters: ['external'], routes: [{ service: 'web' }] },
    }];
    expectRejected(jsyaml.dump(t), { cluster: 'external', field: 'applications.web.ingress.clusters[0]', contains: ['hosts an external control plane'] });
  });

  test('TLS by anything but a Secret name is impossible: a key in credentialName is rejected', () => {
    expectRejected(helloworld((_t, app) => {
      app.ingress = { clusters: ['cluster1'], tls: { credentialName: '-----BEGIN PRIVATE KEY-----' }, routes: [{ service: 'helloworld' }] };
    }), { field: `${HW}.ingress.tls.credentialName`, contains: ['is not a Secret name'] });
  });

  test('an unknown field of a workload, with a suggestion', () => {
    expectRejected(helloworld((_t, app) => { workload(app, 'sleep').replica = 2; }), { field: 'applications.helloworld.workloads.sleep.replica', contains: ['did you mean "replicas"?'] });
  });

  test('two applications\' ingresses with overlapping hosts on one gateway', () => {
    expectRejected(helloworld((t, app) => {
      app.ingress = { clusters: ['cluster1'], routes: [{ service: 'helloworld', match: [{ uri: { exact: '/hello' } }] }] };
      t.applications.push({
        name: 'web', services: [{ name: 'web', ports: [{ port: 80, name: 'http' }] }],
        workloads: [{ name: 'web', image: 'nginx:1.27', placement: { clusters: ['cluster1'] } }],
        ingress: { clusters: ['cluster1'], hosts: ['web.example.com'], routes: [{ service: 'web' }] },
      });
    }), { cluster: 'cluster1', field: 'applications.web.ingress.hosts', contains: ['IST0145'] });
  });

  test('verification workloads: a namespace that is not a DNS-1123 label', () => {
    const t = load('primary-remote.yaml');
    t.clusters[0].verificationWorkloads.namespace = 'Sample';
    expectRejected(jsyaml.dump(t), { cluster: 'cluster1', field: 'verificationWorkloads.namespace', contains: ['"Sample"'] });
  });

  test('every problem at once', () => {
    const stderr = expectRejected(helloworld((_t, app) => {
      app.namespace = 'Bad_NS';
      workload(app, 'helloworld').image = 'Docker.io/Bad Image';
      service(app, 'curl').ports[0].port = 70000;
      service(app, 'helloworld').routes = [{ to: [{ subset: 'v9' }] }];
    }), { field: `${HW}.namespace` });
    expect(stderr).toContain(`field "${HW}.services.helloworld.routes[0].to[0].subset"`);
    expect(stderr).toContain(`field "${HW}.workloads.helloworld-v1.image"`);
    expect(stderr).toContain(`field "${HW}.services.curl.ports[0].port"`);
  });
});
