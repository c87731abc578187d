import { Construct } from 'constructs';
import { Gateway, ServiceEntry, WorkloadEntry } from '../../imports/istio-networking.istio.io';
import { AuthorizationPolicy } from '../../imports/istio-security.istio.io';
import { principal } from '../application/authorization';
import type { ApplicationService } from '../application/service';
import type { Workload } from '../application/workload';
import type { Cluster } from '../cluster';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio';
import type { Mesh } from '../mesh';
import { Phase } from '../phase';
import { PlainApiObject } from '../plain-api-object';
import type { Problem } from '../problem';
import { addMeshValues, MeshValues } from './mesh-values';
import type { TrustAnchor } from './trust-anchor';

/** The east-west gateway port of cross-network (AUTO_PASSTHROUGH) traffic. */
export const FEDERATION_GATEWAY_PORT = 15443;
/** The Gateway on an exporting mesh's east-west gateways that exposes only the exported hosts. */
export const FEDERATION_EXPORTS_GATEWAY = 'federation-exports';
/** Label keys selecting an imported service's WorkloadEntries (our prefix: these are not Istio labels). */
export const FEDERATION_MESH_LABEL = 'federation.cdk8s-istio-multicluster.io/mesh';
export const FEDERATION_NAMESPACE_LABEL = 'federation.cdk8s-istio-multicluster.io/namespace';

/** A mesh of the federation and the public root its peers trust. */
export interface FederationMemberProps {
  /** The mesh. */
  readonly mesh: Mesh;
  /** The mesh's public root certificate (or its SPIFFE bundle endpoint), trusted by every other member. */
  readonly trustAnchor: TrustAnchor;
}

/** Props of a {@link Federation}. */
export interface FederationProps {
  /** The meshes, at least two, each with its own meshID, trust domain, clusters and networks. */
  readonly meshes: readonly FederationMemberProps[];
}

/** A service by name, in the namespace sameness of a mesh. */
export interface ServiceName {
  /** Namespace of the service. */
  readonly namespace: string;
  /** Name of the service. */
  readonly service: string;
}

/** Options of {@link Federation.importService}. */
export interface ImportOptions {
  /** The exporting mesh. */
  readonly from: Mesh;
  /**
   * Workloads of the importing mesh allowed to call the service (their principals, trust domain included,
   * go into the exporter's AuthorizationPolicy).
   * @default - every identity of the importing mesh's trust domain (`<trustDomain>/*`)
   */
  readonly callers?: readonly Workload[];
  /**
   * The hostname the importing mesh calls. It must be the exporter's hostname: the importer's SNI
   * (`outbound_.<port>_._.<host>`) is matched by the exporter's AUTO_PASSTHROUGH gateway.
   * @default - `<service>.<namespace>.svc.cluster.local`
   */
  readonly host?: string;
}

interface Export { readonly mesh: Mesh; readonly ref: ServiceName }
interface Import { readonly mesh: Mesh; readonly ref: ServiceName; readonly options: ImportOptions }

const refOf = (s: ApplicationService | ServiceName): ServiceName => ('application' in s ? { namespace: s.application.namespace, service: s.name } : { namespace: s.namespace, service: s.service });
const hostOf = (r: ServiceName) => `${r.service}.${r.namespace}.svc.cluster.local`;

/**
 * Several meshes that trust each other and share chosen services (mesh federation): each mesh keeps its
 * meshID, trust domain and control planes; peers' public roots go into each mesh's `meshConfig.caCertificates`,
 * and exported services are reached through the exporter's east-west gateway without any remote secret.
 *
 * @see https://istio.io/latest/docs/ops/deployment/deployment-models/#multiple-meshes
 */
export class Federation extends Construct {
  /** The members, in declaration order. */
  public readonly members: readonly FederationMemberProps[];
  private readonly exports: Export[] = [];
  private readonly imports: Import[] = [];
  private built = false;

  constructor(scope: Construct, id: string, props: FederationProps) {
    super(scope, id);
    this.members = [...props.meshes];
    for (const m of this.members) addMeshValues(m.mesh, () => this.valuesFor(m.mesh));
  }

  /** The meshes, in declaration order. */
  public get meshes(): Mesh[] {
    return this.members.map((m) => m.mesh);
  }

  /** Declares that `exporter` offers a service to the federation (exposed on its east-west gateways). */
  public exportService(exporter: Mesh, service: ApplicationService | ServiceName): void {
    this.exports.push({ mesh: exporter, ref: refOf(service) });
  }

  /** Declares that `importer` calls a service exported by `options.from`. */
  public importService(importer: Mesh, service: ApplicationService | ServiceName, options: ImportOptions): void {
    this.imports.push({ mesh: importer, ref: refOf(service), options });
  }

  /** Export and import at once: `exporter` offers `service` to each mesh of `to`. */
  public export(exporter: Mesh, service: ApplicationService | ServiceName, options: { readonly to: Mesh | readonly Mesh[]; readonly callers?: readonly Workload[] }): void {
    this.exportService(exporter, service);
    const to = Array.isArray(options.to) ? options.to : [options.to as Mesh];
    for (const m of to) this.importService(m, service, { from: exporter, callers: options.callers });
  }

  /** Exported services of a mesh (sorted by namespace and name, once each). */
  public exportsOf(mesh: Mesh): ServiceName[] {
    const seen = new Map<string, ServiceName>();
    for (const e of this.exports) if (e.mesh === mesh) seen.set(`${e.ref.namespace}/${e.ref.service}`, e.ref);
    return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  }

  /** Imports declared by a mesh. */
  public importsOf(mesh: Mesh): readonly Import[] {
    return this.imports.filter((i) => i.mesh === mesh);
  }

  private label(mesh: Mesh): string {
    return `federation.meshes[${mesh.meshId}]`;
  }

  /** Every problem of the federation (the meshes' own problems are theirs: see Mesh.validate). */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    const members = this.members;
    if (members.length < 2) {
      problems.push({ field: 'federation.meshes', value: members.length, message: 'a federation relates at least two meshes', fix: 'declare two or more meshes, or drop the federation' });
    }
    const meshIds = new Map<string, Mesh>();
    const trustDomains = new Map<string, Mesh>();
    const clusterNames = new Map<string, Mesh>();
    const apiServers = new Map<string, { mesh: Mesh; cluster: Cluster }>();
    const networks = new Map<string, Mesh>();
    const seenMeshes = new Set<Mesh>();
    for (const [i, m] of members.entries()) {
      const mesh = m.mesh;
      if (seenMeshes.has(mesh)) {
        problems.push({ field: `federation.meshes[${i}]`, value: mesh.meshId, message: 'names a mesh that is already a member', fix: 'list each mesh once' });
        continue;
      }
      seenMeshes.add(mesh);
      const field = this.label(mesh);
      const other = meshIds.get(mesh.meshId);
      if (other) {
        problems.push({
          field: `${field}.meshID`, value: mesh.meshId, message: 'is the meshID of another mesh of the federation; mesh IDs must be globally unique to avoid service naming collisions',
          fix: 'give each mesh its own meshID, e.g. "mesh-a" and "mesh-b"',
        });
      } else meshIds.set(mesh.meshId, mesh);
      const td = trustDomains.get(mesh.trustDomain);
      if (td) {
        problems.push({
          field: `${field}.trustDomain`, value: mesh.trustDomain,
          message: `is also the trust domain of mesh "${td.meshId}"; federated meshes are told apart by trust domain (caCertificates[].trustDomains, principals), so each needs its own`,
          fix: `give each mesh its own trust domain, e.g. "${mesh.meshId}.example.com"`,
        });
      } else trustDomains.set(mesh.trustDomain, mesh);
      for (const c of mesh.clusters) {
        const before = clusterNames.get(c.name);
        if (before) {
          problems.push({
            cluster: c.name, field: `${field}.clusters`, value: c.name,
            message: `is also a cluster of mesh "${before.meshId}"; a cluster belongs to one mesh (one istiod, one meshID)`,
            fix: 'remove the cluster from one of the meshes (or rename it, if they are different clusters)',
          });
        } else clusterNames.set(c.name, mesh);
        const api = c.apiServer;
        const sameApi = api !== undefined ? apiServers.get(api) : undefined;
        if (sameApi && sameApi.mesh !== mesh) {
          problems.push({
            cluster: c.name, field: `${field}.clusters.apiServer`, value: api,
            message: `is the API server of cluster "${sameApi.cluster.name}" of mesh "${sameApi.mesh.meshId}"; a cluster belongs to one mesh`,
            fix: 'remove the cluster from one of the meshes',
          });
        } else if (api !== undefined) apiServers.set(api, { mesh, cluster: c });
      }
      for (const n of mesh.networks) {
        const before = networks.get(n.name);
        if (before && before !== mesh) {
          problems.push({
            ...(n.clusters[0] ? { cluster: n.clusters[0].name } : {}),
            field: `${field}.network`, value: n.name,
            message: `is also a network of mesh "${before.meshId}"; an importing istiod tells the peer's endpoints apart by network name (global.meshNetworks, WorkloadEntry.network)`,
            fix: 'give the networks of different meshes different names',
          });
        } else networks.set(n.name, mesh);
      }
      problems.push(...m.trustAnchor.problems(`${field}.trustAnchor`));
      if (mesh.ambient.enabled) {
        problems.push({
          field: `${field}.dataPlaneMode`, value: 'ambient',
          message: 'makes a federated mesh ambient: federation carries the peers\' calls through a classic east-west gateway (AUTO_PASSTHROUGH on 15443, global.meshNetworks), which an ambient mesh does not install; Istio 1.30 documents no ambient multi-mesh federation',
          allowed: 'sidecar meshes in a federation',
          fix: 'use dataPlaneMode: sidecar for the federated meshes, or join the clusters into one ambient mesh',
        });
      }
    }

    for (const e of this.exports) {
      const field = `${this.label(e.mesh)}.exports[${e.ref.namespace}/${e.ref.service}]`;
      if (!seenMeshes.has(e.mesh)) {
        problems.push({ field, value: e.mesh.meshId, message: 'is declared by a mesh that is not a member of the federation', fix: 'add the mesh to the federation\'s meshes' });
        continue;
      }
      const service = findService(e.mesh, e.ref);
      if (!service) {
        problems.push({
          field, value: `${e.ref.namespace}/${e.ref.service}`, message: `names no service of mesh "${e.mesh.meshId}"`,
          allowed: `a service of one of its applications: ${listServices(e.mesh)}`, fix: 'export a declared service, or declare the service in an application of the mesh',
        });
        continue;
      }
      const runs = e.mesh.applications.factsOf(service).runs;
      if (runs.length === 0) {
        problems.push({ field, value: `${e.ref.namespace}/${e.ref.service}`, message: 'has no workload, so nothing answers the importers\' calls', fix: 'place a workload of the service on a cluster of the exporting mesh' });
      }
      for (const network of new Set(runs.map((c) => c.network))) {
        const gateways = gatewaysOn(e.mesh, network.name);
        if (gateways.length === 0) {
          problems.push({
            cluster: runs.find((c) => c.network === network)!.name, field: 'eastWestGateway.enabled', value: false,
            message: `mesh "${e.mesh.meshId}" exports ${e.ref.namespace}/${e.ref.service}, which runs on network "${network.name}", but no cluster of that network has an east-west gateway; importing meshes reach exported services only through it`,
            fix: `enable the east-west gateway (eastWestGateway.enabled: true) on a cluster of network "${network.name}" of mesh "${e.mesh.meshId}"`,
          });
        } else if (!gateways.some((c) => c.eastWestGatewayAddress !== undefined)) {
          problems.push({
            cluster: gateways[0].name, field: 'eastWestGateway.address',
            message: `is missing: mesh "${e.mesh.meshId}" exports ${e.ref.namespace}/${e.ref.service}, and the importing meshes must know the gateway's address at install time (global.meshNetworks); they cannot read this mesh's API servers`,
            fix: 'reserve a static IP (or DNS name) for the east-west gateway and set eastWestGateway.address',
          });
        }
      }
    }

    for (const imp of this.imports) {
      const name = `${imp.ref.namespace}/${imp.ref.service}`;
      const field = `${this.label(imp.mesh)}.imports[${name}]`;
      const from = imp.options.from;
      if (!seenMeshes.has(imp.mesh) || !seenMeshes.has(from)) {
        problems.push({ field, value: seenMeshes.has(imp.mesh) ? from.meshId : imp.mesh.meshId, message: 'relates a mesh that is not a member of the federation', fix: 'add both meshes to the federation\'s meshes' });
        continue;
      }
      if (from === imp.mesh) {
        problems.push({ field: `${field}.from`, value: from.meshId, message: 'is the importing mesh itself', fix: 'import from another mesh of the federation' });
        continue;
      }
      if (!this.exportsOf(from).some((r) => r.namespace === imp.ref.namespace && r.service === imp.ref.service)) {
        const exported = this.exportsOf(from).map((r) => `${r.namespace}/${r.service}`);
        problems.push({
          field, value: name, message: `is not exported by mesh "${from.meshId}"`,
          allowed: exported.length > 0 ? `one of its exports: ${exported.join(', ')}` : `nothing: mesh "${from.meshId}" exports no service`,
          fix: `export it from mesh "${from.meshId}" first (exports: [{namespace: ${imp.ref.namespace}, service: ${imp.ref.service}}]), or fix the name`,
        });
        continue;
      }
      const host = hostOf(imp.ref);
      if (imp.options.host !== undefined && imp.options.host !== host) {
        problems.push({
          field: `${field}.host`, value: imp.options.host,
          message: `differs from the exporter's hostname "${host}"; the exporter's gateway routes by the SNI the importer sends, which carries this hostname, so the call would find no filter chain`,
          fix: `use "${host}" (or omit host)`,
        });
      }
      const local = findService(imp.mesh, imp.ref);
      if (local) {
        problems.push({
          field, value: name,
          message: `mesh "${imp.mesh.meshId}" has its own service ${name}, whose hostname ${host} would merge with the imported one (namespace sameness)`,
          fix: 'import into a mesh without that service, or rename one of them',
        });
      }
      for (const w of imp.options.callers ?? []) {
        if (w.application.mesh !== imp.mesh) {
          problems.push({ field: `${field}.callers`, value: w.name, message: `is a workload of mesh "${w.application.mesh.meshId}", not of the importing mesh`, fix: 'name workloads of the importing mesh' });
        }
      }
    }
    return problems;
  }

  /** The install values of a member: its peers' roots, and how istiod and proxies use them (§1.2 of our facts). */
  public valuesFor(mesh: Mesh): MeshValues {
    const peers = this.members.filter((m) => m.mesh !== mesh).sort((a, b) => (a.mesh.meshId < b.mesh.meshId ? -1 : 1));
    const values: { meshConfig: Record<string, unknown>; pilotEnv: Record<string, string>; global?: Record<string, unknown> } = {
      meshConfig: {
        // The peers' public roots, each bound to the peer's trust domain only: a peer's root can then never
        // vouch for an identity of another trust domain (config.proto CertificateData.trustDomains). Since
        // 1.18 istiod also pushes these trust domains to the proxies' peer SAN validator (istio/istio#43536).
        // Our own root stays trusted: istiod puts its CA root into the bundle next to these (server.go).
        // No trustDomainAliases: aliases make another trust domain's identities *equal* to ours, which is
        // the opposite of federation's separate identities.
        caCertificates: peers.map((p) => ({ ...p.trustAnchor.certificateData, trustDomains: [p.mesh.trustDomain] })),
        // Proxies receive the extra roots over PCDS only with this agent flag (default false,
        // pilot/cmd/pilot-agent/options/options.go); Istio's custom-root integration test sets it.
        defaultConfig: { proxyMetadata: { PROXY_CONFIG_XDS_AGENT: 'true' } },
      },
      // istiod distributes caCertificates to workloads only with this flag (default false, "mesh will support
      // certificates signed by more than one trustAnchor for ISTIO_MUTUAL mTLS", pilot/pkg/features/pilot.go).
      pilotEnv: { ISTIO_MULTIROOT_MESH: 'true' },
    };
    // The importer reaches the exporter's networks through their east-west gateways, whose addresses it
    // cannot read from the exporter's API servers: declared in the mesh networks (network.proto). Endpoints
    // are the address-less WorkloadEntries of those networks; fromRegistry names the exporter's clusters,
    // which this istiod never reads, so it assigns nothing of its own to them.
    const networks: Record<string, unknown> = {};
    for (const imp of this.importsOf(mesh)) {
      const service = findService(imp.options.from, imp.ref);
      if (!service) continue;
      for (const net of networksRunning(imp.options.from, service)) {
        const gateways = gatewaysOn(imp.options.from, net).filter((c) => c.eastWestGatewayAddress !== undefined);
        networks[net] = {
          endpoints: imp.options.from.clusters.filter((c) => c.network.name === net).map((c) => ({ fromRegistry: c.name })),
          gateways: gateways.map((c) => ({ address: c.eastWestGatewayAddress!, port: FEDERATION_GATEWAY_PORT })),
        };
      }
    }
    if (Object.keys(networks).length > 0) values.global = { meshNetworks: sortKeys(networks) };
    // Callers resolve the imported hostname through the sidecar's DNS proxy (off by default): no Kubernetes
    // Service exists for it here, and istiod auto-allocates the ServiceEntry a VIP (PILOT_ENABLE_IP_AUTOALLOCATE,
    // default true since 1.25). istio.io docs/ops/configuration/traffic-management/dns-proxy.
    if (this.importsOf(mesh).length > 0) {
      (values.meshConfig.defaultConfig as any).proxyMetadata.ISTIO_META_DNS_CAPTURE = 'true';
    }
    return values;
  }

  /** Places the export and import objects into the members' cluster charts. Idempotent. */
  public build(): void {
    if (this.built) return;
    this.built = true;
    for (const member of this.members) {
      const mesh = member.mesh;
      const exported = this.exportsOf(mesh).filter((r) => findService(mesh, r));
      const configClusters = mesh.clusters.filter((c) => c.isConfigCluster);
      // Narrowed AUTO_PASSTHROUGH: one filter chain per service whose host is in `hosts` (gateway.go
      // builtAutoPassthroughFilterChains), so only the exported hosts are reachable from other meshes. A
      // multi-network mesh already exposes "*.local" on the same port for its own networks
      // (cross-network-gateway.ts); a second server on 15443 would only duplicate filter chains, so none
      // is added there: the AuthorizationPolicy below is then what keeps other services closed to peers.
      if (exported.length > 0 && !mesh.isMultiNetwork) {
        const hosts = exported.map((r) => `${r.namespace}/${hostOf(r)}`);
        for (const c of configClusters.filter((x) => mesh.clusters.some((g) => g.hasEastWestGateway && (g === x || g.controlPlane.servedBy === x)))) {
          Phase.assign(new PlainApiObject(c, 'FederationExports', {
            gvk: Gateway.GVK, metadata: { name: FEDERATION_EXPORTS_GATEWAY, namespace: ISTIO_SYSTEM_NAMESPACE },
            body: {
              spec: {
                selector: { istio: 'eastwestgateway' },
                servers: [{ port: { number: FEDERATION_GATEWAY_PORT, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts }],
              },
            },
          }), Phase.MESH_CONFIG);
        }
      }
      for (const ref of exported) this.buildExportPolicy(mesh, ref);
      for (const imp of this.importsOf(mesh)) this.buildImport(imp, configClusters);
    }
  }

  /** ALLOW the importers' callers on the exported service (principals carry the importer's trust domain). */
  private buildExportPolicy(mesh: Mesh, ref: ServiceName): void {
    const service = findService(mesh, ref)!;
    const principals = new Set<string>();
    for (const imp of this.imports.filter((i) => i.options.from === mesh && i.ref.namespace === ref.namespace && i.ref.service === ref.service)) {
      const callers = imp.options.callers ?? [];
      if (callers.length === 0) principals.add(`${imp.mesh.trustDomain}/*`);
      for (const w of callers) principals.add(principal(imp.mesh.trustDomain, w.application.namespace, w.serviceAccountName));
    }
    if (principals.size === 0) return;
    // Any ALLOW policy on a workload denies every request it does not match. When the application admits
    // no callers of its own (no allowedCallers, no defaultDeny), the service was open to its whole mesh:
    // that stays so (`<own trust domain>/*`) instead of the export closing it to its own mesh.
    const app = service.application;
    if (service.allowedCallers.length === 0 && !app.defaultDeny) principals.add(`${mesh.trustDomain}/*`);
    const body = { spec: { selector: { matchLabels: { app: ref.service } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: [...principals].sort() } }] }] } };
    for (const c of mesh.applications.factsOf(service).configClusters) {
      Phase.assign(new PlainApiObject(c, `FederationAllow-${ref.namespace}-${ref.service}`, {
        gvk: AuthorizationPolicy.GVK, metadata: { name: `federation-${ref.service}`, namespace: ref.namespace }, body,
      }), Phase.MESH_CONFIG);
    }
  }

  /**
   * The importer's view of the service, without API access to the exporter: a ServiceEntry with the
   * exporter's hostname selecting address-less WorkloadEntries on the exporter's networks (istio/istio#45161:
   * "manually register cross-network workloads without secret reading"); istiod sends their traffic to the
   * network's gateway (global.meshNetworks, see valuesFor).
   */
  private buildImport(imp: Import, configClusters: Cluster[]): void {
    const from = imp.options.from;
    const service = findService(from, imp.ref);
    if (!service) return;
    const base = `federation-${from.meshId}-${imp.ref.namespace}-${imp.ref.service}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 200);
    const labels = { app: imp.ref.service, [FEDERATION_MESH_LABEL]: from.meshId, [FEDERATION_NAMESPACE_LABEL]: imp.ref.namespace };
    // The importer verifies the server's identity against these SANs: the exporter's workloads carry the
    // exporter's trust domain and namespace, which a WorkloadEntry in our istio-system could not express.
    const sans = [...new Set(from.applications.all.flatMap((a) => a.workloadsOf(service))
      .map((w) => `spiffe://${principal(from.trustDomain, imp.ref.namespace, w.serviceAccountName)}`))].sort();
    const se = {
      spec: {
        hosts: [hostOf(imp.ref)],
        location: 'MESH_INTERNAL',
        resolution: 'STATIC',
        ports: service.ports.map((p) => ({ number: p.port, name: p.name ?? `${p.appProtocol}-${p.port}`, ...(p.appProtocol ? { protocol: p.appProtocol.toUpperCase() } : {}) })),
        workloadSelector: { labels },
        ...(sans.length > 0 ? { subjectAltNames: sans } : {}),
      },
    };
    const networks = networksRunning(from, service);
    for (const c of configClusters) {
      const scope = new Construct(c, `federation-import-${base}`);
      Phase.assign(new PlainApiObject(scope, 'ServiceEntry', { gvk: ServiceEntry.GVK, metadata: { name: base, namespace: ISTIO_SYSTEM_NAMESPACE }, body: se }), Phase.MESH_CONFIG);
      networks.forEach((net, i) => {
        Phase.assign(new PlainApiObject(scope, `WorkloadEntry-${i}`, {
          gvk: WorkloadEntry.GVK, metadata: { name: `${base}-${i}`, namespace: ISTIO_SYSTEM_NAMESPACE },
          // No address: "If address is empty, network must be specified" (workload_entry.proto); the tlsMode
          // label makes callers use Istio mTLS, which AUTO_PASSTHROUGH requires.
          body: { spec: { network: net, labels: { ...labels, 'security.istio.io/tlsMode': 'istio' } } },
        }), Phase.MESH_CONFIG);
      });
    }
  }
}

function findService(mesh: Mesh, ref: ServiceName): ApplicationService | undefined {
  for (const a of mesh.applications.all) {
    if (a.namespace !== ref.namespace) continue;
    const s = a.service(ref.service);
    if (s) return s;
  }
  return undefined;
}

function listServices(mesh: Mesh): string {
  const all = mesh.applications.all.flatMap((a) => a.services.map((s) => `${a.namespace}/${s.name}`));
  return all.length === 0 ? '(none)' : all.slice(0, 10).join(', ') + (all.length > 10 ? ` and ${all.length - 10} more` : '');
}

/** The clusters with an east-west gateway on a network of a mesh. */
function gatewaysOn(mesh: Mesh, network: string): Cluster[] {
  return mesh.clusters.filter((c) => c.network.name === network && c.hasEastWestGateway);
}

/** The networks (sorted) where a service of the mesh runs. */
function networksRunning(mesh: Mesh, service: ApplicationService): string[] {
  return [...new Set(mesh.applications.factsOf(service).runs.map((c) => c.network.name))].sort();
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
