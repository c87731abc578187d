/** Props of a tenant, given to `Mesh.addTenant()`. */
export interface TenantProps {
  /**
   * The namespaces the tenant owns, in every cluster of the mesh (namespace sameness: a namespace name is
   * the same namespace in all clusters). A namespace belongs to one tenant.
   */
  readonly namespaces: readonly string[];
  /**
   * Namespaces outside the tenant that its workloads may call (e.g. a shared platform namespace). Its
   * sidecars see only the tenant's namespaces, these and `istio-system`.
   * @default []
   */
  readonly sharedWith?: readonly string[];
  /**
   * Tenants whose workloads may call this tenant despite the default deny (each a named exception). The
   * named tenant's sidecars may then also reach this tenant's namespaces.
   * @default []
   */
  readonly exceptions?: readonly string[];
}

/**
 * A namespace tenant: a team owning a set of namespaces across the mesh's clusters, isolated from the other
 * tenants by a `Sidecar` (what its proxies see), `exportTo` defaults and an `AuthorizationPolicy` (who may
 * call it).
 *
 * @see https://istio.io/latest/docs/ops/deployment/deployment-models/#namespace-tenancy
 */
export class Tenant {
  /** The namespaces, in declaration order. */
  public readonly namespaces: readonly string[];
  /** Shared namespaces it may call. */
  public readonly sharedWith: readonly string[];
  /** Tenants admitted as callers. */
  public readonly exceptions: readonly string[];

  constructor(public readonly name: string, props: TenantProps) {
    this.namespaces = [...(props.namespaces ?? [])];
    this.sharedWith = [...(props.sharedWith ?? [])];
    this.exceptions = [...(props.exceptions ?? [])];
  }

  /** The field of this tenant in messages (topology vocabulary). */
  public get field(): string {
    return `tenants.${this.name}`;
  }
}
