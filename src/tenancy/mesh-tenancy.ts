import { Sidecar } from '../../imports/istio-networking.istio.io';
import { AuthorizationPolicy } from '../../imports/istio-security.istio.io';
import { addMeshValues, MeshValues } from '../federation/mesh-values';
import { DataPlaneMode } from '../ambient/mesh-ambient';
import { ISTIO_SYSTEM_NAMESPACE } from '../istio';
import { k8s } from '../k8s';
import type { Mesh } from '../mesh';
import { didYouMean, isDnsLabel } from '../names';
import { Phase } from '../phase';
import { PlainApiObject } from '../plain-api-object';
import type { Problem } from '../problem';
import { Tenant, TenantProps } from './tenant';

/** Name of the namespace-wide Sidecar of a tenant namespace (Istio's configuration-scoping docs call it `default`). */
export const TENANT_SIDECAR_NAME = 'default';
/** Name of the AuthorizationPolicy denying the other tenants. */
export const TENANT_ISOLATION_POLICY = 'tenant-isolation';
/** Namespaces no tenant may own: the control plane's and Kubernetes' own. */
const RESERVED = [ISTIO_SYSTEM_NAMESPACE, 'kube-system', 'kube-public', 'kube-node-lease', 'default'];

/** Mesh-wide tenancy settings (`MeshProps.tenancy`). */
export interface TenancyProps {
  /**
   * Scope VirtualServices and DestinationRules to their own namespace unless they say otherwise
   * (`meshConfig.defaultVirtualServiceExportTo` / `defaultDestinationRuleExportTo: ["."]`). Services stay
   * exported to `*` (`defaultServiceExportTo` is left unset): gateways in `istio-system` must see them, and
   * each tenant's `Sidecar` already limits which services its proxies see.
   * @default true when the mesh has tenants
   */
  readonly scopeConfigToNamespace?: boolean;
  /**
   * `meshConfig.discoverySelectors`: istiod watches only the mesh's namespaces (tenants', applications' and
   * `istio-system`), selected by their `kubernetes.io/metadata.name` label.
   * @default false
   * @see https://istio.io/latest/blog/2021/discovery-selectors/
   */
  readonly discoverySelectors?: boolean;
}

/**
 * The namespace tenants of a mesh: their problems, their install values (exportTo defaults, discovery
 * selectors) and, at build time, per tenant namespace in every config cluster a `Sidecar` and an
 * `AuthorizationPolicy`.
 */
export class MeshTenancy {
  private readonly tenants: Tenant[] = [];

  constructor(private readonly mesh: Mesh, private readonly props: TenancyProps = {}) {
    addMeshValues(mesh, () => this.values());
  }

  /** Declares a tenant (names are unique in the mesh). */
  public add(name: string, props: TenantProps): Tenant {
    if (this.tenants.some((t) => t.name === name)) {
      throw new Error(`tenant "${name}" is declared twice in mesh "${this.mesh.meshId}"; declare each tenant once`);
    }
    const tenant = new Tenant(name, props);
    this.tenants.push(tenant);
    return tenant;
  }

  /** The tenants, in declaration order. */
  public get all(): readonly Tenant[] {
    return [...this.tenants];
  }

  /** The tenant owning a namespace, if any. */
  public ownerOf(namespace: string): Tenant | undefined {
    return this.tenants.find((t) => t.namespaces.includes(namespace));
  }

  /** Every problem of the tenants. */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    const owner = new Map<string, Tenant>();
    const names = this.tenants.map((t) => t.name);
    for (const t of this.tenants) {
      if (!isDnsLabel(t.name)) {
        problems.push({ field: t.field, value: t.name, message: 'is not a valid tenant name', allowed: 'a DNS label (lowercase letters, digits and "-", at most 63 characters)', fix: 'use e.g. "team-a"' });
      }
      if (t.namespaces.length === 0) problems.push({ field: `${t.field}.namespaces`, message: 'is empty', fix: 'list the namespaces the tenant owns' });
      for (const ns of t.namespaces) {
        const field = `${t.field}.namespaces`;
        if (typeof ns !== 'string' || !isDnsLabel(ns)) {
          problems.push({ field, value: ns, message: 'is not a valid namespace name', allowed: 'a DNS label', fix: 'use the namespace\'s name' });
        } else if (RESERVED.includes(ns)) {
          problems.push({ field, value: ns, message: 'is a namespace of Kubernetes or of the control plane; no tenant owns it', fix: 'list only the tenant\'s own namespaces (istio-system is reachable by every tenant)' });
        } else if (owner.has(ns) && owner.get(ns) !== t) {
          problems.push({
            field, value: ns, message: `is also a namespace of tenant "${owner.get(ns)!.name}"; a namespace belongs to one tenant`,
            fix: `remove "${ns}" from one of the tenants, or share it (sharedWith) instead of owning it twice`,
          });
        } else owner.set(ns, t);
      }
      for (const ns of t.sharedWith) {
        if (typeof ns !== 'string' || !isDnsLabel(ns)) problems.push({ field: `${t.field}.sharedWith`, value: ns, message: 'is not a valid namespace name', allowed: 'a DNS label', fix: 'use the shared namespace\'s name' });
      }
      for (const e of t.exceptions) {
        if (e === t.name) {
          problems.push({ field: `${t.field}.exceptions`, value: e, message: 'names the tenant itself, which always reaches its own namespaces', fix: 'remove it' });
        } else if (!names.includes(e)) {
          const guess = typeof e === 'string' ? didYouMean(e, names) : undefined;
          problems.push({
            field: `${t.field}.exceptions`, value: e, message: 'names no tenant of the mesh', allowed: names.filter((n) => n !== t.name).join(', ') || '(no other tenant)',
            fix: guess ? `did you mean "${guess}"?` : 'name a declared tenant, or remove the exception',
          });
        }
      }
    }
    if (this.tenants.length > 0) {
      // A tenant's Sidecar (what its proxies see) has nothing to act on in ambient: the scoping the tenancy
      // promises would be silently inert there (the L4 DENY policy alone would still hold).
      for (const c of this.mesh.clusters.filter((x) => this.mesh.ambient.workloadMode(x) === DataPlaneMode.AMBIENT)) {
        problems.push({
          cluster: c.name, field: 'dataPlaneMode', value: 'ambient',
          message: `runs ambient workloads, but the mesh has tenants (${this.tenants.map((t) => t.name).join(', ')}) whose isolation includes a Sidecar resource limiting what each tenant's proxies see; ambient workloads have no sidecar, so that scoping would not apply`,
          allowed: 'sidecar workloads in the clusters of a mesh with tenants',
          fix: 'declare dataPlaneMode: sidecar on this cluster (the mesh may stay ambient), or drop the tenants',
        });
      }
    }
    if (this.tenants.length > 0 && !this.mesh.strictMtls) {
      problems.push({
        field: 'strictMtls', value: false,
        message: 'is off, but tenants are declared: the tenant isolation policy tells tenants apart by the namespace of the caller\'s mTLS identity, and a plain-text request has none',
        fix: 'turn strict mTLS on (the default), or drop the tenants',
      });
    }
    return problems;
  }

  /** The namespaces a tenant's proxies may reach: its own, shared ones, tenants that admit it, and istio-system. */
  public egressNamespaces(t: Tenant): string[] {
    const admitting = this.tenants.filter((o) => o !== t && o.exceptions.includes(t.name)).flatMap((o) => o.namespaces);
    return [...new Set([...t.namespaces, ...t.sharedWith, ...admitting, ISTIO_SYSTEM_NAMESPACE])].sort();
  }

  /** The namespaces whose callers a tenant denies: every other tenant's, except the named exceptions. */
  public deniedNamespaces(t: Tenant): string[] {
    return this.tenants.filter((o) => o !== t && !t.exceptions.includes(o.name)).flatMap((o) => o.namespaces).sort();
  }

  private values(): MeshValues {
    if (this.tenants.length === 0) return {};
    const meshConfig: Record<string, unknown> = {};
    if (this.props.scopeConfigToNamespace ?? true) {
      // A tenant's routing rules apply to its own namespace unless it exports them on purpose
      // (config.proto: "If not set the system will use *").
      meshConfig.defaultVirtualServiceExportTo = ['.'];
      meshConfig.defaultDestinationRuleExportTo = ['.'];
    }
    if (this.props.discoverySelectors) {
      const namespaces = new Set<string>([ISTIO_SYSTEM_NAMESPACE, ...this.tenants.flatMap((t) => [...t.namespaces, ...t.sharedWith])]);
      for (const a of this.mesh.applications.all) namespaces.add(a.namespace);
      meshConfig.discoverySelectors = [{ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...namespaces].sort() }] }];
    }
    return { meshConfig };
  }

  /**
   * Places each tenant's objects into every cluster whose Istio config the mesh's istiods read (a
   * primary, a config cluster), creating the namespace there when no application did. Runs after the
   * applications' build (their namespaces are then known).
   */
  public build(): void {
    for (const c of this.mesh.clusters.filter((x) => x.isConfigCluster)) {
      for (const t of this.tenants) {
        const egress = this.egressNamespaces(t);
        const denied = this.deniedNamespaces(t);
        for (const ns of [...t.namespaces].sort()) {
          if (!c.node.tryFindChild(`ApplicationNamespace-${ns}`)) {
            // Labelled like the applications' namespaces: injection or the revision tag (never both), or ambient.
            new PlainApiObject(c, `ApplicationNamespace-${ns}`, { gvk: k8s.KubeNamespace.GVK, metadata: { name: ns, labels: this.mesh.namespaceLabels(c) }, body: {} });
          }
          // What the tenant's proxies see: services *and* configuration (VirtualServices) only from these
          // namespaces (sidecar.proto egress.hosts "namespace/dnsName"). This is what keeps another tenant's
          // VirtualService bound to `mesh` from rerouting this tenant's calls (istio.io blog 2026,
          // "Security Considerations on Istio's CRDs with Namespace-based Multi-Tenancy").
          Phase.assign(new PlainApiObject(c, `TenantSidecar-${ns}`, {
            gvk: Sidecar.GVK, metadata: { name: TENANT_SIDECAR_NAME, namespace: ns },
            body: { spec: { egress: [{ hosts: egress.map((n) => (n === ns ? './*' : `${n}/*`)).sort() }] } },
          }), Phase.MESH_CONFIG);
          if (denied.length > 0) {
            // DENY is evaluated before any ALLOW, so no application policy can re-admit another tenant.
            Phase.assign(new PlainApiObject(c, `TenantIsolation-${ns}`, {
              gvk: AuthorizationPolicy.GVK, metadata: { name: TENANT_ISOLATION_POLICY, namespace: ns },
              body: { spec: { action: 'DENY', rules: [{ from: [{ source: { namespaces: denied } }] }] } },
            }), Phase.MESH_CONFIG);
          }
        }
      }
    }
  }
}
