import type { Mesh } from '../mesh';
import type { Problem } from '../problem';
import type { TenantProps } from '../tenancy/tenant';

/** A tenant as the topology file writes it. */
export type TopologyTenant = { readonly name: string } & TenantProps;

/** Declares the file's tenants through the same API a TypeScript user calls; a repeated name is a problem. */
export function addTopologyTenants(mesh: Mesh, tenants: readonly TopologyTenant[] | undefined, problems: Problem[]): void {
  for (const t of tenants ?? []) {
    if (mesh.tenancy.all.some((x) => x.name === t.name)) {
      problems.push({ field: `tenants.${t.name}`, value: t.name, message: 'is declared twice', fix: 'declare each tenant once (merge their namespaces)' });
      continue;
    }
    mesh.addTenant(t.name, { namespaces: t.namespaces, sharedWith: t.sharedWith, exceptions: t.exceptions });
  }
}
