import { Construct } from 'constructs';
import { k8s } from '../k8s';
import { WorkloadEntry, WorkloadGroup } from '../../imports/istio-networking.istio.io';
import type { ApplicationService } from '../application/service';
import { parseIp } from '../cidr';
import type { Cluster } from '../cluster';
import { ControlPlaneModel } from '../control-plane';
import type { Mesh } from '../mesh';
import type { Network } from '../network';
import { Phase } from '../phase';
import { PlainApiObject } from '../plain-api-object';
import type { Problem } from '../problem';
import type { Revision } from '../revisions/revision';
import { istiodHost, workloadEntryConfigure, WorkloadEntryFiles } from './bootstrap-bundle';
import { finishVmScript, FINISH_VM_SCRIPT } from './finish-vm-script';
import { VmGroup, VmGroupProps } from './vm-group';
import { vmRevision, vmRevisionProblems } from './vm-revision';

/** The output folder of VM bootstrap bundles; the underscore keeps it apart from cluster directories. */
export const VM_DIR = '_vm';

/** One file of a VM group's bootstrap bundle (path relative to the output root). */
export interface VmBundleFile {
  readonly path: string;
  readonly content: string;
}

/**
 * The mesh's VM groups: which cluster each joins, the problems that need the whole mesh, the objects placed
 * into the joining clusters at build time, and the bootstrap bundles.
 */
export class MeshVmGroups {
  private readonly groups: VmGroup[] = [];

  constructor(private readonly mesh: Mesh, private readonly onChange: () => void) {}

  /** Declares a VM group (names are unique in the mesh); its service joins the application model. */
  public add(name: string, props: VmGroupProps): VmGroup {
    if (this.groups.some((g) => g.name === name)) {
      throw new Error(`VM group "${name}" is declared twice in mesh "${this.mesh.meshId}"; declare each group once and reuse the returned VmGroup`);
    }
    const application = this.mesh.addApplication(`vm-${name}`, { namespace: props.namespace });
    const group = new VmGroup(this.mesh, name, props, application);
    this.groups.push(group);
    this.onChange();
    return group;
  }

  /** The groups, in declaration order. */
  public get all(): readonly VmGroup[] {
    return [...this.groups];
  }

  /** Networks declared only by VM groups count as networks of the mesh (they make it multi-network). */
  public get networks(): readonly Network[] {
    return [...new Set(this.groups.flatMap((g) => (g.declaredNetwork ? [g.declaredNetwork] : [])))];
  }

  /**
   * The cluster whose istiod the group's VMs join: the first primary (in declaration order) on the VMs'
   * network, else the first primary of the mesh. A primary holds the WorkloadGroup and issues the VMs'
   * certificates; remote clusters have no istiod to join.
   */
  public joiningCluster(group: VmGroup): Cluster | undefined {
    const primaries = this.mesh.clusters.filter((c) => c.controlPlane.model === ControlPlaneModel.PRIMARY);
    return primaries.find((c) => group.declaredNetwork !== undefined && c.network === group.declaredNetwork) ?? primaries[0];
  }

  /** The network the group's VMs sit on. */
  public networkOf(group: VmGroup): Network | undefined {
    return group.declaredNetwork ?? this.joiningCluster(group)?.network;
  }

  /** True when VMs join `cluster`'s istiod (it exposes istiod on its east-west gateway). */
  public joins(cluster: Cluster): boolean {
    return this.groups.some((g) => this.joiningCluster(g) === cluster);
  }

  /** The control-plane revision the group's VMs join (undefined: the unrevisioned `istiod`). */
  public revisionOf(group: VmGroup): Revision | undefined {
    return vmRevision(this.mesh, group);
  }

  /** The revisions whose istiod VMs join on `cluster` (it exposes them on its east-west gateway). */
  public revisionsJoining(cluster: Cluster): Revision[] {
    return [...new Set(this.groups.filter((g) => this.joiningCluster(g) === cluster).flatMap((g) => this.revisionOf(g) ?? []))];
  }

  /** Clusters where the VMs of a service run (for the application index: the Service exists there). */
  public clustersRunning(service: ApplicationService): Cluster[] {
    return this.groups.filter((g) => g.service === service).flatMap((g) => this.joiningClusterList(g));
  }

  /** Clusters whose VMs call `service` (its Service must exist there too). */
  public clustersCalling(service: ApplicationService): Cluster[] {
    return this.groups.filter((g) => g.called.includes(service)).flatMap((g) => this.joiningClusterList(g));
  }

  private joiningClusterList(g: VmGroup): Cluster[] {
    const c = this.joiningCluster(g);
    return c ? [c] : [];
  }

  /** Every problem of the groups: their own and those that need the mesh. */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    this.groups.forEach((g) => {
      problems.push(...g.problems());
      const f = g.field;
      const joining = this.joiningCluster(g);
      if (!joining) {
        problems.push({ field: f, message: 'has no cluster to join: VMs join the istiod of a primary cluster, and the mesh has none', fix: 'declare a primary cluster (controlPlane primary) for the VMs to join' });
        return;
      }
      const network = g.declaredNetwork;
      const known = network !== undefined && (this.mesh.networks.includes(network));
      if (network !== undefined && !known && network.mesh === this.mesh) {
        problems.push({ field: `${f}.network`, value: network.name, message: 'is not a network of the mesh', fix: 'declare the network (mesh.addNetwork / vmNetworks in the topology file) or use a cluster\'s network' });
      }
      // The VMs' only path to istiod is the joining cluster's east-west gateway (on which synth exposes
      // istiod); it is missing only when the cluster turns it off.
      if (!joining.hasEastWestGateway) {
        problems.push({
          cluster: joining.name, field: 'eastWestGateway.enabled', value: false,
          message: `turns off the east-west gateway, but VM group "${g.name}" joins this cluster's istiod and reaches it only through that gateway (expose-istiod)`,
          fix: 'remove eastWestGateway.enabled: false from this cluster, or let the VMs join another primary',
        });
      }
      problems.push(...vmRevisionProblems(this.mesh, g, joining));
    });
    return problems;
  }

  /** Places the groups' objects into their joining clusters. Call once, after validation. */
  public build(): void {
    for (const g of this.groups) {
      const c = this.joiningCluster(g)!;
      const scope = new PlainScope(c, g);
      const ns = g.namespace;
      scope.add('ServiceAccount', k8s.KubeServiceAccount.GVK, { name: g.serviceAccount, namespace: ns }, {});
      const network = this.networkOf(g)!.name;
      Phase.assign(scope.add('WorkloadGroup', WorkloadGroup.GVK, { name: g.name, namespace: ns }, { spec: workloadGroupSpec(g, network) }), Phase.MESH_CONFIG);
      for (const address of g.addresses) {
        const spec = {
          address,
          labels: { ...g.labels },
          network,
          serviceAccount: g.serviceAccount,
          ...(Object.keys(g.ports).length > 0 ? { ports: { ...g.ports } } : {}),
        };
        // The name autoregistration would give it (<group>-<ip>, ":" → "-", pilot/pkg/autoregistration), so switching modes keeps names.
        Phase.assign(scope.add(`WorkloadEntry-${address}`, WorkloadEntry.GVK, { name: `${g.name}-${address.replace(/:/g, '-')}`, namespace: ns, labels: { ...g.labels } }, { spec }), Phase.MESH_CONFIG);
      }
    }
  }

  /** What `istioctl x workload entry configure` would write for the group, from the mesh model. */
  public workloadEntryFiles(g: VmGroup): WorkloadEntryFiles {
    const c = this.joiningCluster(g)!;
    const ns = c.controlPlaneNamespace;
    const address = c.eastWestGatewayAddress;
    const revision = this.revisionOf(g)?.name ?? '';
    return workloadEntryConfigure({
      name: g.name, namespace: g.namespace, serviceAccount: g.serviceAccount, labels: g.labels, ports: g.ports,
      network: this.networkOf(g)!.name, probe: g.probe, clusterId: c.name, trustDomain: this.mesh.trustDomain,
      revision, istioNamespace: ns,
      // What the istiod chart renders into the `istio[-<rev>]` ConfigMap (configmap.yaml) of a primary: meshId
      // from global.meshID and discoveryAddress istiod[-<rev>].<ns>.svc:15012; no proxyMetadata.
      meshDefaultConfig: { discoveryAddress: `${istiodHost(ns, revision)}:15012`, meshId: this.mesh.meshId },
      ingressIp: address !== undefined && parseIp(address) ? address : undefined,
      autoRegister: g.autoRegister,
    });
  }

  /** The bootstrap bundle of every group: `dist/_vm/<group>/{cluster.env,mesh.yaml,hosts,finish-vm.sh,workloadgroup.yaml?}`. */
  public bundleFiles(): VmBundleFile[] {
    return this.groups.flatMap((g) => {
      const c = this.joiningCluster(g)!;
      const files = this.workloadEntryFiles(g);
      const dir = `${VM_DIR}/${g.name}`;
      return [
        { path: `${dir}/cluster.env`, content: files['cluster.env'] },
        { path: `${dir}/hosts`, content: files.hosts },
        { path: `${dir}/mesh.yaml`, content: files['mesh.yaml'] },
        {
          path: `${dir}/${FINISH_VM_SCRIPT}`,
          content: finishVmScript({
            group: g.name, cluster: c.name, namespace: g.namespace, serviceAccount: g.serviceAccount,
            istioNamespace: c.controlPlaneNamespace, istiodHost: istiodHost(c.controlPlaneNamespace, this.revisionOf(g)?.name ?? ''),
          }),
        },
      ];
    });
  }
}

/** The construct of a group's objects in one cluster chart. */
class PlainScope {
  private readonly scope: Construct;
  constructor(cluster: Cluster, group: VmGroup) {
    this.scope = new Construct(cluster, `vm-group-${group.name}`);
  }
  public add(id: string, gvk: { apiVersion: string; kind: string }, metadata: any, body: Record<string, unknown>): PlainApiObject {
    return new PlainApiObject(this.scope, id, { gvk, metadata, body: Object.freeze(body) });
  }
}

/** The WorkloadGroup as the docs write it (labels in spec.metadata, identity and network in the template). */
function workloadGroupSpec(g: VmGroup, network: string): Record<string, unknown> {
  return {
    metadata: { labels: { ...g.labels } },
    template: {
      serviceAccount: g.serviceAccount,
      network,
      ...(Object.keys(g.ports).length > 0 ? { ports: { ...g.ports } } : {}),
    },
    ...(g.probe ? { probe: JSON.parse(JSON.stringify(g.probe)) } : {}),
  };
}

export type { VmGroupProps };
