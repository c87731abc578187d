import type { Mesh } from '../mesh';
import { didYouMean } from '../names';
import type { Network } from '../network';
import type { Problem } from '../problem';
import type { VmProbe } from '../vm/bootstrap-bundle';

/** One VM group of a topology file (see topology.schema.json, `$defs.vmGroup`). */
export interface TopologyVmGroup {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount?: string;
  readonly labels?: { readonly [key: string]: string };
  readonly ports?: { readonly [name: string]: number };
  readonly network?: string;
  readonly probe?: VmProbe;
  readonly autoRegister?: boolean;
  readonly addresses?: readonly string[];
  /** A revision or revision tag of the mesh (VmGroupProps.revision). */
  readonly revision?: string;
  /** Services the VMs call, `<application>/<service>`. */
  readonly calls?: readonly string[];
}

/**
 * Declares the file's VM networks (`vmNetworks`: networks on which only VMs sit) and VM groups on the mesh,
 * after the clusters and before the applications (whose workloads may call a VM service,
 * `vm-<group>/<group>`). Returns the resolution of the groups' `calls`, to run once the applications are
 * declared. Names that resolve to nothing become problems, like every other reference of the file.
 */
export function addTopologyVmGroups(
  mesh: Mesh, vmNetworks: readonly string[] | undefined, groups: readonly TopologyVmGroup[] | undefined,
  applicationNames: readonly string[], problems: Problem[],
): () => void {
  const pending: (() => void)[] = []; // calls resolve once the applications are declared
  for (const name of vmNetworks ?? []) {
    if (!mesh.networks.some((n) => n.name === name)) mesh.addNetwork(name);
  }
  const seen = new Set<string>();
  for (const g of groups ?? []) {
    const field = `vmGroups.${g.name}`;
    if (seen.has(g.name)) {
      problems.push({ field, value: g.name, message: 'is declared twice; a VM group name is its WorkloadGroup, Service and bundle folder', fix: 'give each VM group its own name, or merge the two' });
      continue;
    }
    seen.add(g.name);
    if (applicationNames.includes(`vm-${g.name}`)) {
      problems.push({ field, value: g.name, message: `needs the application name "vm-${g.name}" for its service, but an application has it`, fix: 'rename the VM group or the application' });
      continue;
    }
    let network: Network | undefined;
    if (g.network !== undefined) {
      network = mesh.networks.find((n) => n.name === g.network);
      if (!network) {
        const known = mesh.networks.map((n) => n.name);
        const guess = didYouMean(g.network, known);
        problems.push({
          field: `${field}.network`, value: g.network, message: 'is not a network of the mesh',
          allowed: `a cluster's network or one listed in vmNetworks (${known.join(', ')})`,
          fix: guess ? `did you mean "${guess}"?` : `add it to vmNetworks (e.g. vmNetworks: [${g.network}]) if only VMs sit on it, or use a cluster's network`,
        });
      }
    }
    const { calls, network: _n, name, ...props } = g;
    const group = mesh.addVmGroup(name, { ...props, network });
    pending.push(() => (calls ?? []).forEach((ref, i) => {
      const [appName, serviceName] = ref.split('/');
      const app = mesh.applications.all.find((a) => a.name === appName);
      const s = serviceName !== undefined ? app?.service(serviceName) : undefined;
      if (s) {
        group.calls(s);
      } else {
        const known = mesh.applications.all.flatMap((a) => a.services.map((x) => `${a.name}/${x.name}`));
        const guess = didYouMean(ref, known);
        problems.push({ field: `${field}.calls[${i}]`, value: ref, message: 'names no service of the mesh', allowed: known.join(', ') || 'no service is declared', fix: guess ? `did you mean "${guess}"?` : 'name a declared service as <application>/<service>' });
      }
    }));
  }
  return () => pending.forEach((f) => f());
}
