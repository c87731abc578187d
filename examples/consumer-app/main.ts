/**
 * A cdk8s app of its own that uses cdk8s-istio-multicluster as a library (installed from a tarball):
 * a Mesh subclass loaded from a topology file, objects of its own on every cluster, and a chart of its
 * own beside the mesh. `cdk8s synth` writes the mesh (phase folders, install inputs, Argo CD) into
 * dist/ and the chart into dist/_charts/.
 */
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Cluster, ClusterProps, loadTopologyFile, Mesh, MeshApp, MeshProps, Phase } from 'cdk8s-istio-multicluster';

/** Every cluster of the platform carries the team's namespace and settings. */
class PlatformCluster extends Cluster {
  constructor(mesh: Mesh, name: string, props: ClusterProps) {
    super(mesh, name, props);
    new ApiObject(this, 'team-namespace', {
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { name: 'team-a', labels: { 'istio-injection': 'enabled' } },
    });
    new ApiObject(this, 'team-settings', {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'team-settings', namespace: 'team-a' },
      data: { cluster: name, network: props.network.name },
    });
    // Applied with the Istio resources (wave 3), after istiod is up.
    const policies = new Construct(this, 'policies');
    Phase.assign(policies, Phase.MESH_CONFIG);
    new ApiObject(policies, 'team-peer-authentication', {
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication',
      metadata: { name: 'team-a', namespace: 'team-a' },
      spec: { mtls: { mode: 'STRICT' } },
    });
  }
}

/** The platform's mesh: every cluster is a PlatformCluster. */
class PlatformMesh extends Mesh {
  constructor(scope: Construct, id: string, props: MeshProps) {
    super(scope, id, props);
  }

  protected createCluster(name: string, props: ClusterProps): Cluster {
    return new PlatformCluster(this, name, props);
  }
}

const app = new MeshApp();
loadTopologyFile(app, 'mesh', path.join(__dirname, 'mesh.yaml'), {
  meshFactory: (scope, id, props) => new PlatformMesh(scope, id, props),
});

// A chart of the app's own, not part of the mesh: written to dist/_charts/platform-ops.k8s.yaml.
const ops = new Chart(app, 'platform-ops');
new ApiObject(ops, 'namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'platform-ops' } });
new ApiObject(ops, 'on-call', {
  apiVersion: 'v1', kind: 'ConfigMap',
  metadata: { name: 'on-call', namespace: 'platform-ops' },
  data: { team: 'platform' },
});

app.synth();
