import type { Cluster } from '../cluster';
import type { Mesh } from '../mesh';
import type { Network } from '../network';
import { FINISH_VM_SCRIPT } from './finish-vm-script';
import { VM_DIR } from './mesh-vm-groups';

function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/** Diagram nodes of the VM groups on `network` (inside its subgraph). */
export function vmDiagramNodes(mesh: Mesh, network: Network): string[] {
  return mesh.vmGroups.all.flatMap((g, i) => (mesh.vmGroups.networkOf(g) === network
    ? [`    vm${i}[/${label(`<b>VM group ${g.name}</b><br/>namespace ${g.namespace}<br/>${g.autoRegister ? 'autoregistered' : `${g.addresses.length} WorkloadEntry(ies)`}`)}/]`]
    : []));
}

/** Diagram edges from each VM group to the istiod it joins (through the east-west gateway). */
export function vmDiagramEdges(mesh: Mesh, id: ReadonlyMap<Cluster, string>): string[] {
  return mesh.vmGroups.all.flatMap((g, i) => {
    const c = mesh.vmGroups.joiningCluster(g);
    return c ? [`  vm${i} ==>|${label('istiod via east-west gateway')}| ${id.get(c)}`] : [];
  });
}

/** The "Virtual machines" section of `dist/README.md`: per group, where it joins and the steps, in order. */
export function vmReadme(mesh: Mesh): string[] {
  const groups = mesh.vmGroups.all;
  if (groups.length === 0) return [];
  const out = ['## Virtual machines', ''];
  for (const g of groups) {
    const c = mesh.vmGroups.joiningCluster(g)!;
    const dir = `dist/${VM_DIR}/${g.name}`;
    const rev = mesh.vmGroups.revisionOf(g);
    const named = g.revision ?? mesh.revisions.workloadRevision;
    out.push(
      `### VM group \`${g.name}\` (namespace \`${g.namespace}\`, network \`${mesh.vmGroups.networkOf(g)!.name}\`, joins cluster \`${c.name}\`)`,
      '',
      `The WorkloadGroup, ServiceAccount \`${g.serviceAccount}\`${g.addresses.length > 0 ? ' and WorkloadEntries' : ''} are in \`dist/${c.name}\`; istiod is exposed on its east-west gateway.`
        + (g.autoRegister ? ' The VMs register themselves (autoregistration).' : ''),
      '',
      ...(rev ? [
        `Revision \`${rev.name}\` (Istio ${rev.version})${named !== rev.name ? `, resolved from tag \`${named}\` when this was synthesized` : ''}:`
          + ` the files name \`istiod-${rev.name}\` (what \`istioctl x workload entry configure -f workloadgroup.yaml --clusterID ${c.name} --revision ${rev.name}${g.autoRegister ? ' --autoregister' : ''}\` writes), exposed on the east-west gateway by \`istiod-vs-${rev.name}\`.`
          + ' Moving a tag does not move VMs already configured: once the canary moves this group, synth again and repeat steps 2 to 4 on each VM, then `systemctl restart istio`.',
        '',
      ] : []),
      `1. Apply \`dist/${c.name}\` (with Istio installed from \`_install-inputs/${c.name}\`) and wait for the east-west gateway's address.`,
      `2. With kubectl access to \`${c.name}\`: \`bash ${dir}/${FINISH_VM_SCRIPT} <context> <work-dir>\` (root certificate and a 1-hour istio-token, mode 0600, only in \`<work-dir>\`: never in dist/).`,
      rev ? `3. On each VM, install the sidecar package (\`istio-sidecar.deb\` or \`.rpm\` of Istio ${rev.version}, the revision's version).`
        : '3. On each VM, install the sidecar package (`istio-sidecar.deb` or `.rpm` of the same Istio version).',
      '4. Copy the files: `root-cert.pem` to `/etc/certs/`, `istio-token` to `/var/run/secrets/tokens/`, `cluster.env` to `/var/lib/istio/envoy/`,'
        + ' `mesh.yaml` to `/etc/istio/config/mesh`, append `hosts` to `/etc/hosts`; `chown -R istio-proxy` them and `/etc/istio/proxy`.',
      '5. Start: `systemctl start istio`.',
      '',
    );
  }
  return out;
}
