import { didYouMean } from '../names';
import { Problem } from '../problem';
import { manifestSchemaIssues } from './manifest-schema';

/** Namespaces every cluster has from the start: objects may go there without an output creating them. */
export const ALWAYS_PRESENT_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** How an object is named in problems: `Kind/namespace/name`, or `Kind/name` when cluster-scoped. */
export function objectField(m: any): string {
  const ns = m?.metadata?.namespace;
  return `${m?.kind}/${ns ? `${ns}/` : ''}${m?.metadata?.name}`;
}

/** The Namespace objects among `manifests`, by name. */
export function namespacesCreatedBy(manifests: readonly any[]): string[] {
  return manifests.filter((m) => m?.apiVersion === 'v1' && m?.kind === 'Namespace' && typeof m.metadata?.name === 'string').map((m) => m.metadata.name);
}

/**
 * Every object checked against the pinned schemas (Kubernetes 1.27 through kubernetes-models, the CRDs
 * copied in crds/): our objects and the ones users add alike, before anything is written. An unknown
 * field gets a did-you-mean among the fields the schema knows there.
 */
export function schemaProblems(cluster: string | undefined, manifests: readonly any[]): Problem[] {
  const problems: Problem[] = [];
  for (const m of manifests) {
    for (const issue of manifestSchemaIssues(m)) {
      const where = { ...(cluster ? { cluster } : {}), field: `${objectField(m)}${issue.path ? ` ${issue.path}` : ''}` };
      const schema = `the ${m.apiVersion} ${m.kind} schema (Kubernetes 1.27, or the CRD in crds/)`;
      if (issue.known) {
        const leaf = /([A-Za-z0-9_$-]+)"?\]?$/.exec(issue.path)?.[1] ?? issue.path;
        const guess = didYouMean(leaf, issue.known);
        problems.push({
          ...where, value: issue.value, message: `is an unknown field of ${m.kind}: the API server would drop it (kubectl apply --validate=strict rejects it)`,
          allowed: issue.known.length > 0 ? `the fields of ${schema} here: ${issue.known.slice(0, 20).join(', ')}${issue.known.length > 20 ? ', ...' : ''}` : undefined,
          fix: guess ? `did you mean "${guess}"? rename the field` : `remove the field, or move it where ${schema} has it`,
        });
      } else {
        problems.push({ ...where, message: issue.message, fix: `change the object to match ${schema}` });
      }
    }
  }
  return problems;
}

/**
 * Objects in a namespace that does not exist where they are applied: not created by the output (`created`)
 * and not one every cluster has. kubectl and Argo CD would fail on them at apply time, after the other
 * objects were applied; better said before anything is written.
 */
export function namespaceProblems(cluster: string | undefined, manifests: readonly any[], created: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  for (const m of manifests) {
    const ns = m?.metadata?.namespace;
    if (typeof ns !== 'string' || created.has(ns) || ALWAYS_PRESENT_NAMESPACES.includes(ns)) continue;
    const where = cluster ? `cluster "${cluster}"'s output` : 'the output';
    problems.push({
      ...(cluster ? { cluster } : {}), field: `${objectField(m)} metadata.namespace`, value: ns,
      message: `is a namespace that nothing in ${where} creates, and that a new cluster does not have`,
      allowed: `a namespace the output creates (${[...created].sort().slice(0, 10).join(', ') || 'none'}) or one every cluster has (${ALWAYS_PRESENT_NAMESPACES.join(', ')})`,
      fix: `add a Namespace "${ns}" to the same output (e.g. new KubeNamespace(chart, 'ns', { metadata: { name: '${ns}' } })), or put the object in an existing namespace`,
    });
  }
  return problems;
}
