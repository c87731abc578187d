import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { GATEWAY_API_GROUP, GATEWAY_API_STANDARD_INSTALL, GATEWAY_API_VERSION } from '../ambient/gateway-api';
import { ARGOCD_DIR } from '../argocd';
import { ARGOCD_HEALTH_CHECKS_FILE } from '../argocd-health';
import type { Cluster } from '../cluster';
import type { InstallInputs } from '../install-inputs';
import type { Mesh } from '../mesh';
import { annotateSyncWave, apiObjectsOf, Phase } from '../phase';
import { Problem, throwIfProblems } from '../problem';
import { meshReadme } from './mesh-readme';
import { namespaceProblems, namespacesCreatedBy, objectField, schemaProblems } from './object-checks';
import { findSecretMaterial } from './secret-guard';
import { toYaml, yamlComment } from './yaml';

/** One object of a cluster's output, with where it goes. */
export interface RenderedObject {
  /** Path relative to the cluster directory, e.g. `40-gateways/service_istio-system_istio-eastwestgateway.yaml`. */
  readonly file: string;
  readonly phase: Phase;
  /** The object as plain JSON (sync-wave annotation included). */
  readonly manifest: any;
}

/** A file of the output tree: path relative to the output root, and its content. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Runs every construct validation of the tree once. cdk8s's `App.synth()` re-validates the whole
 * app for every chart (quadratic in charts); a mesh of hundreds of clusters must not pay that.
 */
export function validateTree(root: IConstruct): void {
  const errors: string[] = [];
  for (const c of root.node.findAll()) {
    for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

/**
 * Order of kinds inside one phase, after Helm's install order (dependencies first: identities and RBAC
 * before the workloads that use them, Services before Deployments). Kinds not listed come last, by name.
 */
const KIND_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget',
  'ServiceAccount', 'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume',
  'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding',
  'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding', 'RoleBindingList', 'Service', 'DaemonSet', 'Pod',
  'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob',
  'IngressClass', 'Ingress', 'APIService',
];
const kindRank = (kind: string) => {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
};

/** A Kubernetes name that is safe as part of a file name: no "/", no leading ".", no "..". */
const SAFE_FILE_PART = /^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/i;

function fileName(m: any): string {
  const kind = String(m.kind).toLowerCase();
  const ns = m.metadata?.namespace;
  // Names become file names. Our names are validated DNS names; objects users add may carry any name the
  // API server accepts, which for RBAC kinds includes ":" (e.g. "system:auth-delegator"). Anything that
  // could leave the folder or hide a file ("/", "..", a leading ".", control characters) is refused.
  for (const part of [kind, ...(ns ? [ns] : []), m.metadata?.name]) {
    if (typeof part !== 'string' || !SAFE_FILE_PART.test(part) || part.length > 253) {
      throw new Error(`${m.kind} ${JSON.stringify(m.metadata?.name)} cannot name an output file (${JSON.stringify(part)} is not a Kubernetes object name): name it with lowercase letters, digits, "-", "." and ":"`);
    }
  }
  // ":" is not allowed in Windows file names: percent-encoded (kustomize reads the path as written).
  const name = String(m.metadata.name).replace(/:/g, '%3A');
  return ns ? `${kind}_${ns}_${name}.yaml` : `${kind}_${name}.yaml`;
}

/**
 * Renders a cluster's objects in apply order: by phase, then kind (KIND_ORDER), namespace and name, so that the
 * output does not depend on declaration order. Each object carries its phase's sync wave.
 */
export function renderCluster(cluster: Cluster): RenderedObject[] {
  const rendered = apiObjectsOf(cluster).map((obj) => {
    const phase = annotateSyncWave(obj);
    const manifest = obj.toJson();
    return { phase, manifest, file: `${phase.folder}/${fileName(manifest)}` };
  });
  const seen = new Map<string, RenderedObject>();
  for (const r of rendered) {
    const other = seen.get(r.file);
    if (other) {
      throw new Error(`cluster "${cluster.name}": two objects render to ${r.file} (${r.manifest.kind} "${r.manifest.metadata.name}"); object names must be unique per kind and namespace`);
    }
    seen.set(r.file, r);
  }
  return rendered.sort((a, b) => Phase.compare(a.phase, b.phase)
    || kindRank(a.manifest.kind) - kindRank(b.manifest.kind)
    || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

const GENERATED_HEADER = '# Generated by cdk8s-istio-multicluster from the mesh topology. Do not edit: change the topology and re-synth.\n';

/** The kustomization of one folder: its resources in order, kept in that order (`sortOptions: fifo`). */
function kustomization(resources: string[]): string {
  return GENERATED_HEADER + toYaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    sortOptions: { order: 'fifo' },
    resources,
  });
}

/**
 * All files of one cluster directory: one file per object inside a folder per phase, a kustomization
 * per phase folder (so each phase can be applied alone: `kubectl apply -k dist/<cluster>/10-trust`),
 * and a top-level kustomization over the phase folders in order.
 */
export function clusterFiles(cluster: Cluster, objects: RenderedObject[] = renderCluster(cluster)): OutputFile[] {
  const files: OutputFile[] = [];
  const phases = [...new Set(objects.map((o) => o.phase))].sort(Phase.compare);
  for (const phase of phases) {
    const inPhase = objects.filter((o) => o.phase === phase);
    for (const o of inPhase) files.push({ path: `${cluster.name}/${o.file}`, content: toYaml(o.manifest) });
    files.push({
      path: `${cluster.name}/${phase.folder}/kustomization.yaml`,
      content: kustomization(inPhase.map((o) => o.file.slice(phase.folder.length + 1))),
    });
  }
  files.push({ path: `${cluster.name}/kustomization.yaml`, content: kustomization(phases.map((p) => p.folder)) });
  return files;
}

/** The folder of install inputs; the underscore keeps it apart from cluster names (DNS labels). */
export const INSTALL_INPUTS_DIR = '_install-inputs';

/** The install-input files of one cluster: Helm values, IstioOperators and a README with the commands. */
export function installInputFiles(cluster: Cluster, inputs: InstallInputs = cluster.installInputs): OutputFile[] {
  const dir = `${INSTALL_INPUTS_DIR}/${cluster.name}`;
  // Through yamlComment: model text in a comment must never start a YAML line of its own.
  const note = (what: string) => yamlComment(`${what} for cluster "${cluster.name}" (Istio ${inputs.istioVersion}). Not a Kubernetes manifest: do not kubectl apply.`);
  return [
    ...inputs.releases.map((r) => ({
      path: `${dir}/${r.file}`,
      content: note(`Helm values of istio/${r.chart} (release ${r.name}, namespace ${r.namespace})`) + toYaml(r.values),
    })),
    ...inputs.istioOperators.map((o) => ({ path: `${dir}/${o.file}`, content: note('IstioOperator for istioctl install -f') + toYaml(o.manifest) })),
    { path: `${dir}/README.md`, content: installReadme(cluster, inputs) },
  ];
}

/**
 * The Gateway API CRDs (pinned standard channel) before Istio, when the cluster's output has Gateway API
 * objects: istiod registers its Gateway API controllers at start, and the Gateways need the CRDs.
 */
function gatewayApiSteps(cluster: Cluster): string[] {
  if (!apiObjectsOf(cluster).some((o) => o.apiVersion.startsWith(`${GATEWAY_API_GROUP}/`))) return [];
  return [`# Gateway API ${GATEWAY_API_VERSION} CRDs (standard channel), before Istio:`, `kubectl --context "$CTX" apply --server-side -f ${GATEWAY_API_STANDARD_INSTALL}`];
}

/** The exact commands that install Istio on a cluster from its install inputs. */
function installReadme(cluster: Cluster, inputs: InstallInputs): string {
  const v = inputs.istioVersion;
  const helm = inputs.releases.map((r, i) => `helm upgrade --install ${r.name} istio/${r.chart} --version ${r.version ?? v} -n ${r.namespace}`
    + ` --kube-context "$CTX" -f dist/${INSTALL_INPUTS_DIR}/${cluster.name}/${r.file}${i === inputs.releases.length - 1 ? ' --wait' : ''}`);
  const istioctl = inputs.istioOperators.map((o) => `istioctl install -y --context "$CTX" -f dist/${INSTALL_INPUTS_DIR}/${cluster.name}/${o.file}`);
  return [
    `# Istio install inputs of cluster \`${cluster.name}\``,
    '',
    'Generated by cdk8s-istio-multicluster; not Kubernetes objects: never apply this folder with kubectl.',
    `Install Istio ${v} once ${Phase.BEFORE_ISTIO.map((p) => `\`dist/${cluster.name}/${p.folder}\``).join(' and ')} are applied`,
    '(namespaces, then trust: istiod must find `cacerts` when it starts), then apply the whole directory:',
    '',
    '```bash',
    ...Phase.BEFORE_ISTIO.map((p) => `kubectl --context "$CTX" apply -k dist/${cluster.name}/${p.folder}`),
    ...gatewayApiSteps(cluster),
    '# ... install Istio as below, then:',
    `kubectl --context "$CTX" apply -k dist/${cluster.name}`,
    '```',
    '',
    '`CTX` is the kubectl context of this cluster.',
    '',
    '## With Helm',
    '',
    '```bash',
    'helm repo add istio https://istio-release.storage.googleapis.com/charts',
    ...helm,
    '```',
    '',
    '## Or with istioctl',
    '',
    '```bash',
    ...istioctl,
    '```',
    '',
  ].join('\n');
}

/** Secret material in a cluster's objects and install inputs, as problems. */
function secretProblems(cluster: Cluster | undefined, documents: [string, unknown][]): Problem[] {
  const problems: Problem[] = [];
  for (const [what, doc] of documents) {
    for (const f of findSecretMaterial(doc)) {
      problems.push({
        ...(cluster ? { cluster: cluster.name } : {}),
        field: `${what}${f.path ? ` ${f.path}` : ''}`, message: `${f.reason}; nothing secret may be written to the output`,
        fix: f.fix ?? 'remove the secret value; deliver secrets through the secret store (ExternalSecret/PushSecret) or cert-manager',
      });
    }
  }
  return problems;
}

/** Options of renderMeshTo. */
export interface RenderOptions {
  /**
   * The user's own charts (not part of the mesh), written beside it as `_charts/<chart>.k8s.yaml`
   * through the same checks (see userChartFiles).
   * @default - none
   */
  readonly charts?: readonly Chart[];
  /** The construct whose whole tree is validated once. @default - the mesh */
  readonly root?: IConstruct;
  /**
   * Whether every object is checked against the pinned schemas (and its namespace against the output)
   * before anything is written. Off only to measure its cost (bench/).
   * @default true
   */
  readonly checkSchemas?: boolean;
}

/** The folder of the user's own charts; the underscore keeps it apart from cluster names (DNS labels). */
export const USER_CHARTS_DIR = '_charts';

/**
 * Builds and renders the whole mesh, handing each output file to `emit` as soon as it is ready, one
 * cluster after the other (so memory holds one cluster's output at a time). Validation runs before any
 * rendering; the schema check and the secret guard check every object (ours and the user's), and once
 * one has found a problem no further file is emitted, the remaining clusters are still checked, and every
 * problem is thrown together at the end. Callers that write must therefore write to a staging area (see
 * synthesizeMesh).
 */
export function renderMeshTo(mesh: Mesh, emit: (file: OutputFile) => void, options: RenderOptions = {}): void {
  mesh.build();
  validateTree(options.root ?? mesh);
  const checkSchemas = options.checkSchemas ?? true;
  const problems: Problem[] = [];
  const charts = (options.charts ?? []).map((chart) => ({ chart, manifests: apiObjectsOf(chart).map((o) => o.toJson()) }));
  const userNamespaces = charts.flatMap((c) => namespacesCreatedBy(c.manifests));
  const allNamespaces = new Set(userNamespaces);
  const summaries = new Map<Cluster, RenderedObject[]>();
  for (const cluster of mesh.clusters) {
    const objects = renderCluster(cluster);
    const inputs = cluster.installInputs;
    const manifests = objects.map((o) => o.manifest);
    // Nothing secret may reach the output, whoever added the object.
    const secrets = secretProblems(cluster, [
      ...objects.map((o): [string, unknown] => [`${o.manifest.kind}/${o.manifest.metadata.name}`, o.manifest]),
      ...inputs.releases.map((r): [string, unknown] => [`install input ${r.file}`, r.values]),
      ...inputs.istioOperators.map((o): [string, unknown] => [`install input ${o.file}`, o.manifest]),
    ]);
    if (checkSchemas) {
      const created = new Set([...namespacesCreatedBy(manifests), ...userNamespaces]);
      created.forEach((n) => allNamespaces.add(n));
      const checked = withoutSecrets(manifests, secrets);
      problems.push(...schemaProblems(cluster.name, checked), ...namespaceProblems(cluster.name, checked, created));
    }
    problems.push(...secrets);
    if (problems.length === 0) {
      clusterFiles(cluster, objects).forEach(emit);
      installInputFiles(cluster, inputs).forEach(emit);
    }
    // What the README needs, without keeping every manifest alive.
    summaries.set(cluster, objects.map((o) => ({ phase: o.phase, file: o.file, manifest: { kind: o.manifest.kind, metadata: { name: o.manifest.metadata.name } } })));
  }
  const applications = mesh.argoCdApplications ? apiObjectsOf(mesh.argoCdApplications).map((o) => o.toJson()) : [];
  // The Applications go to the Argo CD cluster, whose namespace the Argo CD install creates: schema only.
  const applicationSecrets = secretProblems(undefined, applications.map((a): [string, unknown] => [`Application/${a.metadata.name}`, a]));
  if (checkSchemas) problems.push(...schemaProblems(undefined, withoutSecrets(applications, applicationSecrets)));
  problems.push(...applicationSecrets);
  const chartFiles: OutputFile[] = [];
  for (const { chart, manifests } of charts) {
    // A user's chart may be applied to any cluster: its namespaces must exist in one output at least.
    const chartSecrets = secretProblems(undefined, manifests.map((m): [string, unknown] => [objectField(m), m]));
    if (checkSchemas) {
      const checked = withoutSecrets(manifests, chartSecrets);
      problems.push(...schemaProblems(undefined, checked), ...namespaceProblems(undefined, checked, allNamespaces));
    }
    problems.push(...chartSecrets);
    const file = userChartFile(chart, manifests);
    if ('problem' in file) problems.push(file.problem);
    else chartFiles.push(file);
  }
  // VM bootstrap bundles hold no token or key (the operator's script fetches them): the guard proves it.
  const vmFiles = mesh.vmGroups.bundleFiles();
  problems.push(...secretProblems(undefined, vmFiles.map((f): [string, unknown] => [`VM bundle ${f.path}`, f.content])));
  throwIfProblems(problems, 'the synthesized output');
  vmFiles.forEach(emit);
  if (applications.length > 0) argoCdFiles(applications, mesh.argoCdApplications!.healthChecks).forEach(emit);
  chartFiles.forEach(emit);
  emit({ path: 'README.md', content: meshReadme(mesh, summaries) });
}

/**
 * The manifests to check against the schemas: all of them, unless the secret guard found something, then
 * those without secret material only (a schema problem names the path and value, which would repeat the
 * secret the guard's problem redacts).
 */
function withoutSecrets(manifests: readonly any[], secrets: readonly Problem[]): readonly any[] {
  return secrets.length === 0 ? manifests : manifests.filter((m) => findSecretMaterial(m).length === 0);
}

/**
 * A user's chart as one multi-document file `_charts/<chart>.k8s.yaml` (the file cdk8s's own synth would
 * write, without its hash), named by the chart's construct path (`/` becomes `-`). Objects keep the
 * chart's order.
 */
function userChartFile(chart: Chart, manifests: readonly any[]): OutputFile | { problem: Problem } {
  const name = chart.node.path.replace(/\//g, '-').toLowerCase();
  if (!SAFE_FILE_PART.test(name) || name.length > 200) {
    return { problem: { field: `chart ${JSON.stringify(chart.node.path)}`, value: chart.node.id, message: 'cannot name an output file', allowed: 'construct ids of letters, digits, "-" and "." (the path becomes the file name)', fix: 'give the chart (and its parents) such an id' } };
  }
  return { path: `${USER_CHARTS_DIR}/${name}.k8s.yaml`, content: manifests.map((m) => toYaml(m)).join('---\n') };
}

/** Builds and renders the whole mesh into the output tree, in memory (see renderMeshTo). */
export function renderMesh(mesh: Mesh): OutputFile[] {
  const files: OutputFile[] = [];
  renderMeshTo(mesh, (f) => files.push(f));
  return files;
}

/**
 * The Argo CD folder: one file per Application (and AppProject) with a kustomization to apply them all,
 * and, outside the kustomization, the `argocd-cm` merge patch with the health checks the output relies on
 * (argocd-cm belongs to the Argo CD install, so it is merged, never applied).
 */
export function argoCdFiles(manifests: any[], healthChecks?: Record<string, unknown>): OutputFile[] {
  const entries = manifests.map((m) => ({ file: fileName(m), m })).sort((a, b) => (a.file < b.file ? -1 : 1));
  const ns = (healthChecks?.metadata as any)?.namespace;
  return [
    ...entries.map((e) => ({ path: `${ARGOCD_DIR}/${e.file}`, content: toYaml(e.m) })),
    { path: `${ARGOCD_DIR}/kustomization.yaml`, content: kustomization(entries.map((e) => e.file)) },
    ...(healthChecks ? [{
      path: `${ARGOCD_DIR}/${ARGOCD_HEALTH_CHECKS_FILE}`,
      content: GENERATED_HEADER
        + '# Argo CD health checks the mesh\'s sync waves rely on. Not part of the kustomization: merge it into argocd-cm,\n'
        + `#   kubectl -n ${ns} patch configmap argocd-cm --type merge --patch-file dist/${ARGOCD_DIR}/${ARGOCD_HEALTH_CHECKS_FILE}\n`
        + '# or put its data under configs.cm of the argo-cd Helm chart.\n'
        + toYaml(healthChecks),
    }] : []),
  ];
}
