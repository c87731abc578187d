import type { Cluster } from '../cluster';
import { ControlPlaneModel } from '../control-plane';
import { firstUntransportableCharacter, isDnsLabel, isDnsSubdomain, isLabelValue } from '../names';
import type { Problem } from '../problem';
import type { Application } from './application';
import { applyPatches, ClusterOverride } from './placement';
import type { ApplicationService } from './service';

/** CPU and memory quantities. */
export interface ResourceQuantities {
  readonly cpu?: string;
  readonly memory?: string;
}

/** A pod volume: an emptyDir or an (optional) Secret mounted by name; never secret content. */
export interface WorkloadVolume {
  readonly name: string;
  /** An emptyDir volume. @default false */
  readonly emptyDir?: boolean;
  /** A Secret volume, by name. @default - none */
  readonly secret?: { readonly secretName: string; readonly optional?: boolean };
}

/** Where a workload runs: the clusters of its placement (KubeFed's `placement.clusters`). */
export interface Placement {
  readonly clusters: readonly Cluster[];
}

/** The service account of a workload. */
export interface WorkloadServiceAccount {
  /** Its name; its identity is `<trustDomain>/ns/<namespace>/sa/<name>`. */
  readonly name: string;
  /** Labels of the ServiceAccount object. @default - none */
  readonly labels?: { readonly [key: string]: string };
}

/** Props of a workload, given to `Application.addWorkload()`. */
export interface WorkloadProps {
  /** Container image. */
  readonly image: string;
  /**
   * The `version` label: DestinationRule subsets are made from it, and the Deployment is named
   * `<name>-<version>` (so that several versions coexist, as in Istio's samples).
   * @default - none: Deployment `<name>`, no subset
   */
  readonly version?: string;
  /** Replicas. @default 1 */
  readonly replicas?: number;
  /** Environment variables, in order. @default - none */
  readonly env?: { readonly [name: string]: string };
  /** Resource requests. @default - none */
  readonly requests?: ResourceQuantities;
  /** Resource limits. @default - none */
  readonly limits?: ResourceQuantities;
  /** The service account (created where the workload runs). @default - the namespace's `default` */
  readonly serviceAccount?: WorkloadServiceAccount;
  /** Container ports. @default - none */
  readonly ports?: readonly number[];
  /** Container command. @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** Container args. @default - none */
  readonly args?: readonly string[];
  /** Volumes. @default - none */
  readonly volumes?: readonly WorkloadVolume[];
  /** Volume mounts of the container. @default - none */
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
  /** Pod annotations. @default - none */
  readonly podAnnotations?: { readonly [key: string]: string };
  /** Pod termination grace period. @default - Kubernetes' (30) */
  readonly terminationGracePeriodSeconds?: number;
  /** Image pull policy. @default 'IfNotPresent' (Istio's samples) */
  readonly imagePullPolicy?: 'IfNotPresent' | 'Always' | 'Never';
  /** The clusters it runs in. */
  readonly placement: Placement;
  /** Per-cluster differences (KubeFed's `overrides`). @default - none */
  readonly overrides?: readonly ClusterOverride[];
}

const IMAGE = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** What a workload is in one cluster once its override is applied. */
interface Effective {
  readonly image: string;
  readonly version?: string;
  readonly replicas: number;
  readonly env: { readonly [name: string]: string };
}

/**
 * A workload of an application: a Deployment (and its ServiceAccount) placed on a set of clusters, once,
 * with KubeFed-style per-cluster overrides. Its `app` label is its name; the application's service of the
 * same name selects it.
 */
export class Workload {
  /** The workload name: `app` label and container name. */
  public readonly name: string;
  /** The application. */
  public readonly application: Application;
  /** The props as declared. */
  public readonly props: WorkloadProps;
  private readonly _calls: ApplicationService[] = [];
  private readonly rendered = new Map<Cluster, { deployment: any; errors: Problem[] }>();

  /** @internal use `Application.addWorkload()` */
  constructor(application: Application, name: string, props: WorkloadProps) {
    this.application = application;
    this.name = name;
    this.props = { ...props, placement: { clusters: [...props.placement.clusters] }, overrides: [...(props.overrides ?? [])] };
  }

  /** The Deployment name where no override changes the version. */
  public get key(): string {
    return this.props.version !== undefined ? `${this.name}-${this.props.version}` : this.name;
  }

  /** The field path in the topology vocabulary. */
  public get field(): string {
    return `${this.application.field}.workloads.${this.key}`;
  }

  /** The clusters it runs in. */
  public get clusters(): readonly Cluster[] {
    return this.props.placement.clusters;
  }

  /** The service account name (`default` when none is declared). */
  public get serviceAccountName(): string {
    return this.props.serviceAccount?.name ?? 'default';
  }

  /** Declares that this workload calls `services`: their Services exist where it runs. */
  public calls(...services: ApplicationService[]): void {
    this.application._changed();
    this._calls.push(...services);
  }

  /** The services it calls. */
  public get called(): readonly ApplicationService[] {
    return [...this._calls];
  }

  /** The override for a cluster, if any. */
  public overrideFor(cluster: Cluster): ClusterOverride | undefined {
    return this.props.overrides!.find((o) => o.cluster === cluster);
  }

  /** The version label in a cluster (after its override). */
  public versionIn(cluster: Cluster): string | undefined {
    return this.overrideFor(cluster)?.version ?? this.props.version;
  }

  private effective(cluster: Cluster): Effective {
    const o = this.overrideFor(cluster);
    return {
      image: o?.image ?? this.props.image,
      version: o?.version ?? this.props.version,
      replicas: o?.replicas ?? this.props.replicas ?? 1,
      env: { ...this.props.env, ...o?.env },
    };
  }

  /** The Deployment manifest in a cluster, overrides applied (computed once per cluster). */
  public deploymentIn(cluster: Cluster): { deployment: any; errors: Problem[] } {
    let r = this.rendered.get(cluster);
    if (!r) {
      const deployment = this.render(this.effective(cluster));
      const o = this.overrideFor(cluster);
      const at = `${this.field}.overrides[${this.props.overrides!.indexOf(o!)}].clusterOverrides`;
      const errors = applyPatches(deployment, o?.clusterOverrides ?? []).map((e): Problem => ({
        cluster: cluster.name, field: `${at}[${e.index}].path`, value: o!.clusterOverrides![e.index].path, message: e.message,
        fix: 'point the patch at a field the Deployment has (see the rendered Deployment in dist/), or use a typed override (image, version, replicas, env)',
      }));
      if (errors.length === 0 && o?.clusterOverrides?.length) errors.push(...patchedProblems(deployment, cluster.name, at));
      r = { deployment, errors };
      this.rendered.set(cluster, r);
    }
    return r;
  }

  private render(e: Effective): any {
    const p = this.props;
    const labels = { app: this.name, ...(e.version !== undefined ? { version: e.version } : {}) };
    const env = Object.entries(e.env);
    const resources = {
      ...(p.limits ? { limits: { ...p.limits } } : {}),
      ...(p.requests ? { requests: { ...p.requests } } : {}),
    };
    return {
      metadata: {
        name: e.version !== undefined ? `${this.name}-${e.version}` : this.name,
        namespace: this.application.namespace,
        // Istio's samples label versioned Deployments and leave unversioned ones (curl, sleep) unlabelled.
        ...(e.version !== undefined ? { labels: { ...labels } } : {}),
      },
      spec: {
        replicas: e.replicas,
        selector: { matchLabels: { ...labels } },
        template: {
          metadata: {
            ...(p.podAnnotations ? { annotations: { ...p.podAnnotations } } : {}),
            labels: { ...labels },
          },
          spec: {
            ...(p.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: p.terminationGracePeriodSeconds } : {}),
            ...(p.serviceAccount ? { serviceAccountName: p.serviceAccount.name } : {}),
            containers: [{
              name: this.name,
              image: e.image,
              ...(p.command ? { command: [...p.command] } : {}),
              ...(p.args ? { args: [...p.args] } : {}),
              ...(Object.keys(resources).length > 0 ? { resources } : {}),
              imagePullPolicy: p.imagePullPolicy ?? 'IfNotPresent',
              ...(env.length > 0 ? { env: env.map(([name, value]) => ({ name, value })) } : {}),
              ...(p.ports ? { ports: p.ports.map((containerPort) => ({ containerPort })) } : {}),
              ...(p.volumeMounts ? { volumeMounts: p.volumeMounts.map((m) => ({ name: m.name, mountPath: m.mountPath })) } : {}),
            }],
            ...(p.volumes ? {
              volumes: p.volumes.map((v) => ({
                name: v.name,
                ...(v.emptyDir ? { emptyDir: {} } : {}),
                ...(v.secret ? { secret: { secretName: v.secret.secretName, ...(v.secret.optional !== undefined ? { optional: v.secret.optional } : {}) } } : {}),
              })),
            } : {}),
          },
        },
      },
    };
  }

  /** Problems of the workload's own declaration (placement, overrides, fields). */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    const p = this.props;
    const f = this.field;
    const image = (value: string, field: string, cluster?: string) => {
      if (typeof value !== 'string' || !IMAGE.test(value)) {
        problems.push({ ...(cluster ? { cluster } : {}), field, value, message: 'is not a container image reference', allowed: 'registry/repository[:tag][@sha256:digest], lowercase repository', fix: 'use e.g. "docker.io/istio/examples-helloworld-v1:1.0"' });
      }
    };
    const version = (value: string | undefined, field: string, cluster?: string) => {
      if (value !== undefined && (value === '' || !isLabelValue(value) || !isDnsLabel(`${this.name}-${value}`))) {
        problems.push({ ...(cluster ? { cluster } : {}), field, value, message: 'is not a usable version (it becomes the version label and part of the Deployment name)', allowed: 'lowercase letters, digits and "-", e.g. v1', fix: 'use a version such as "v2"' });
      }
    };
    const replicas = (value: number | undefined, field: string, cluster?: string) => {
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
        problems.push({ ...(cluster ? { cluster } : {}), field, value, message: 'is not a replica count', allowed: 'a whole number >= 0', fix: 'use e.g. 1' });
      }
    };
    const env = (value: { readonly [name: string]: string } | undefined, field: string, cluster?: string) => {
      for (const [k, v] of Object.entries(value ?? {})) {
        if (!ENV_NAME.test(k)) problems.push({ ...(cluster ? { cluster } : {}), field, value: k, message: 'is not a valid environment variable name', allowed: 'letters, digits, "_", "-" and ".", not starting with a digit', fix: 'rename the variable' });
        if (typeof v !== 'string') problems.push({ ...(cluster ? { cluster } : {}), field: `${field}.${k}`, value: v, message: 'is not a string', fix: 'quote the value' });
        else if (firstUntransportableCharacter(v)) {
          problems.push({ ...(cluster ? { cluster } : {}), field: `${field}.${k}`, value: v, message: `has a character kubectl, kustomize and Argo CD cannot read back (${firstUntransportableCharacter(v)})`, allowed: 'printable text, tabs and line breaks', fix: 'remove the control character' });
        }
      }
    };
    if (!isDnsLabel(this.name)) {
      problems.push({ field: f, value: this.name, message: 'is not a valid workload name (DNS-1123 label: it names the Deployment and container)', allowed: 'lowercase letters, digits and "-"', fix: 'rename the workload' });
    }
    image(p.image, `${f}.image`);
    version(p.version, `${f}.version`);
    replicas(p.replicas, `${f}.replicas`);
    env(p.env, `${f}.env`);
    for (const [k, q] of [['requests', p.requests], ['limits', p.limits]] as const) {
      for (const [r, v] of Object.entries(q ?? {})) {
        if (v !== undefined && !QUANTITY.test(String(v))) problems.push({ field: `${f}.${k}.${r}`, value: v, message: 'is not a Kubernetes quantity', allowed: 'e.g. 100m, 128Mi', fix: 'write a quantity' });
      }
    }
    if (p.serviceAccount && !isDnsSubdomain(p.serviceAccount.name)) {
      problems.push({ field: `${f}.serviceAccount.name`, value: p.serviceAccount.name, message: 'is not a valid ServiceAccount name', allowed: 'a DNS-1123 subdomain', fix: 'use e.g. "bookinfo-details"' });
    }
    for (const [k, v] of Object.entries(p.serviceAccount?.labels ?? {})) {
      if (!isLabelValue(v) || !/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(k)) problems.push({ field: `${f}.serviceAccount.labels`, value: { [k]: v }, message: 'is not a valid label', fix: 'use a label key and value Kubernetes accepts' });
    }
    (p.ports ?? []).forEach((port, i) => {
      if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push({ field: `${f}.ports[${i}]`, value: port, message: 'is not a port number', allowed: '1 to 65535', fix: 'use a port number' });
    });
    const volumes = new Set((p.volumes ?? []).map((v) => v.name));
    (p.volumes ?? []).forEach((v, i) => {
      if (!isDnsLabel(v.name)) problems.push({ field: `${f}.volumes[${i}].name`, value: v.name, message: 'is not a valid volume name', allowed: 'a DNS-1123 label', fix: 'rename the volume' });
      if (Number(!!v.emptyDir) + Number(!!v.secret) !== 1) problems.push({ field: `${f}.volumes[${i}]`, value: v, message: 'must be exactly one of emptyDir or secret', fix: 'set emptyDir: true or secret: { secretName }' });
      if (v.secret && !isDnsSubdomain(v.secret.secretName)) problems.push({ field: `${f}.volumes[${i}].secret.secretName`, value: v.secret.secretName, message: 'is not a valid Secret name', allowed: 'a DNS-1123 subdomain', fix: 'name an existing Secret' });
    });
    (p.volumeMounts ?? []).forEach((m, i) => {
      if (!volumes.has(m.name)) problems.push({ field: `${f}.volumeMounts[${i}].name`, value: m.name, message: 'names no volume of the workload', allowed: [...volumes].join(', ') || 'none declared', fix: 'declare the volume under volumes' });
      if (typeof m.mountPath !== 'string' || !m.mountPath.startsWith('/') || m.mountPath.includes(':')) problems.push({ field: `${f}.volumeMounts[${i}].mountPath`, value: m.mountPath, message: 'is not an absolute path', fix: 'use an absolute path such as /tmp' });
    });
    for (const [k, v] of Object.entries(p.podAnnotations ?? {})) {
      if (typeof v !== 'string' || !/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(k)) problems.push({ field: `${f}.podAnnotations`, value: k, message: 'is not a valid annotation', fix: 'use a qualified annotation key with a string value' });
    }
    const tg = p.terminationGracePeriodSeconds;
    if (tg !== undefined && (!Number.isInteger(tg) || tg < 0)) problems.push({ field: `${f}.terminationGracePeriodSeconds`, value: tg, message: 'is not a number of seconds', fix: 'use a whole number >= 0' });

    // Placement: clusters of this mesh that run a data plane.
    const mesh = this.application.mesh;
    const known = mesh.clusters.map((c) => c.name).join(', ');
    if (p.placement.clusters.length === 0) {
      problems.push({ field: `${f}.placement.clusters`, message: 'is empty', allowed: known, fix: 'place the workload on at least one cluster' });
    }
    p.placement.clusters.forEach((c, i) => {
      if (c.mesh !== mesh) {
        problems.push({ field: `${f}.placement.clusters[${i}]`, value: c.name, message: 'is a cluster of another mesh', allowed: known, fix: 'place the workload on clusters of this mesh' });
      } else if (c.controlPlane.model === ControlPlaneModel.EXTERNAL) {
        problems.push({ cluster: c.name, field: `${f}.placement.clusters[${i}]`, value: c.name, message: 'hosts an external control plane, which is not part of the mesh\'s data plane', fix: 'place the workload on the clusters the external control plane serves' });
      }
      if (p.placement.clusters.indexOf(c) !== i) problems.push({ field: `${f}.placement.clusters[${i}]`, value: c.name, message: 'is listed twice', fix: 'list each cluster once' });
    });
    p.overrides!.forEach((o, i) => {
      const at = `${f}.overrides[${i}]`;
      const cluster = o.cluster.name;
      if (!p.placement.clusters.includes(o.cluster)) {
        problems.push({ cluster, field: `${at}.clusterName`, value: cluster, message: 'is not in the workload\'s placement, so the override would never apply', allowed: p.placement.clusters.map((c) => c.name).join(', '), fix: `add "${cluster}" to placement.clusters or remove the override` });
        return;
      }
      if (p.overrides!.findIndex((x) => x.cluster === o.cluster) !== i) problems.push({ cluster, field: `${at}.clusterName`, value: cluster, message: 'has a second override', fix: 'merge the overrides of one cluster into one entry' });
      if (o.image !== undefined) image(o.image, `${at}.image`, cluster);
      version(o.version, `${at}.version`, cluster);
      replicas(o.replicas, `${at}.replicas`, cluster);
      env(o.env, `${at}.env`, cluster);
    });
    if (problems.length === 0) {
      for (const c of p.placement.clusters) problems.push(...this.deploymentIn(c).errors);
    }
    return problems;
  }
}

/**
 * Patches write arbitrary values: the patched Deployment is checked again where the values land (labels,
 * selector, container names and images, replicas), so a patch cannot produce what a typed field could not.
 */
function patchedProblems(d: any, cluster: string, field: string): Problem[] {
  const problems: Problem[] = [];
  const bad = (what: string, value: unknown, allowed: string) => problems.push({
    cluster, field, value, message: `produce ${what} Kubernetes would reject`, allowed, fix: 'correct the patch values',
  });
  const labels = (l: any, where: string): void => {
    if (l === undefined) return;
    if (l === null || typeof l !== 'object' || Array.isArray(l)) {
      bad(`${where} that are not a map`, l, 'a map of label keys to values');
      return;
    }
    for (const [k, v] of Object.entries(l)) {
      if (typeof v !== 'string' || !isLabelValue(v) || !/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(k)) bad(`${where} with an invalid label`, { [k]: v }, 'label keys and values Kubernetes accepts');
    }
  };
  labels(d.metadata?.labels, 'Deployment labels');
  labels(d.spec?.template?.metadata?.labels, 'pod labels');
  const selector = d.spec?.selector?.matchLabels ?? {};
  for (const [k, v] of Object.entries(selector)) {
    if (d.spec?.template?.metadata?.labels?.[k] !== v) bad('a selector that does not match the pod labels', { [k]: v }, 'selector labels that the pod template carries');
  }
  const replicas = d.spec?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) bad('a replica count', replicas, 'a whole number >= 0');
  const containers = d.spec?.template?.spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    bad('a pod without containers', containers, 'at least one container');
  } else {
    for (const c of containers) {
      if (typeof c?.name !== 'string' || !isDnsLabel(c.name)) bad('a container name', c?.name, 'a DNS-1123 label');
      if (typeof c?.image !== 'string' || !IMAGE.test(c.image)) bad('a container image', c?.image, 'registry/repository[:tag][@sha256:digest]');
    }
  }
  return problems;
}
