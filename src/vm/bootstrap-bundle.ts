import { parseIp } from '../cidr';
import { clusterEnvText, goYaml } from './istioctl-format';

/** A readiness probe of a WorkloadGroup (`spec.probe`), the shapes synth supports: HTTP GET or TCP. */
export interface VmProbe {
  /** HTTP GET probe: `port` (required) and optional `path` (absolute), `scheme` (`HTTP`/`HTTPS`). */
  readonly httpGet?: { readonly port: number; readonly path?: string; readonly scheme?: 'HTTP' | 'HTTPS' };
  /** TCP probe on `port`. */
  readonly tcpSocket?: { readonly port: number };
  /** Seconds before the first probe. @default - Istio's default (0) */
  readonly initialDelaySeconds?: number;
  /** Seconds between probes. @default - Istio's default (10) */
  readonly periodSeconds?: number;
  /** Seconds before a probe times out. @default - Istio's default (1) */
  readonly timeoutSeconds?: number;
  /** Successes before ready. @default - Istio's default */
  readonly successThreshold?: number;
  /** Failures before not ready. @default - Istio's default */
  readonly failureThreshold?: number;
}

/**
 * What `istioctl x workload entry configure` reads, as plain data (ISTIO-MULTICLUSTER-FACTS §3.1): the
 * WorkloadGroup, the cluster's `istio` ConfigMap `defaultConfig`, and the command's flags.
 */
export interface WorkloadEntryConfigureInputs {
  /** WorkloadGroup `metadata.name`. */
  readonly name: string;
  /** WorkloadGroup `metadata.namespace`. */
  readonly namespace: string;
  /** `spec.template.serviceAccount` (istioctl defaults an empty one to `default`). */
  readonly serviceAccount: string;
  /** `spec.metadata.labels`. */
  readonly labels: Readonly<Record<string, string>>;
  /** `spec.template.ports` (name → number). */
  readonly ports: Readonly<Record<string, number>>;
  /** `spec.template.network` ('' when none). */
  readonly network: string;
  /** `spec.probe`. */
  readonly probe?: VmProbe;
  /** `--clusterID`. */
  readonly clusterId: string;
  /** `meshConfig.trustDomain` of the `istio` ConfigMap ('' when unset). */
  readonly trustDomain: string;
  /** `--revision` ('' or `default` for none). */
  readonly revision: string;
  /** The control-plane namespace (`-i`, default istio-system). */
  readonly istioNamespace: string;
  /**
   * `defaultConfig` of the `istio[-<rev>]` ConfigMap: `discoveryAddress`, `meshId` (the istiod chart sets it
   * from `global.meshID`) and `proxyMetadata`.
   */
  readonly meshDefaultConfig: { readonly discoveryAddress?: string; readonly meshId?: string; readonly proxyMetadata?: Readonly<Record<string, string>> };
  /** `proxyMetadata` of the WorkloadGroup's `proxy.istio.io/config` annotations, merged over the mesh's. */
  readonly annotationProxyMetadata?: Readonly<Record<string, string>>;
  /** `--internalIP`. */
  readonly internalIp?: string;
  /** `--ingressIP`: the address of the gateway exposing istiod. Without an IP, `hosts` is empty (as istioctl). */
  readonly ingressIp?: string;
  /** `--autoregister`. */
  readonly autoRegister: boolean;
  /** `--capture-dns` (default true). */
  readonly captureDns?: boolean;
}

/** The three non-secret files of `istioctl x workload entry configure`. */
export interface WorkloadEntryFiles {
  readonly 'cluster.env': string;
  readonly 'mesh.yaml': string;
  readonly hosts: string;
}

const isRevisioned = (rev: string) => rev !== '' && rev !== 'default';

/** `istiod[-<rev>].<ns>.svc` (IstiodHost in workload.go). */
export function istiodHost(namespace: string, revision: string): string {
  return `${isRevisioned(revision) ? `istiod-${revision}` : 'istiod'}.${namespace}.svc`;
}

/** Canonical service and revision from labels, as istio's labels.CanonicalService. */
function canonicalService(labels: Readonly<Record<string, string>>, workloadName: string): [string, string] {
  const pick = (keys: string[]) => keys.map((k) => labels[k]).find((v) => v !== undefined && v !== '');
  return [
    pick(['service.istio.io/canonical-name', 'app.kubernetes.io/name', 'app']) ?? workloadName,
    pick(['service.istio.io/canonical-revision', 'app.kubernetes.io/version', 'version']) ?? 'latest',
  ];
}

/** JSON of a string map with sorted keys, as Go's json.Marshal writes a map. */
function goJsonMap(m: Readonly<Record<string, string>>): string {
  return `{${Object.keys(m).sort().map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`).join(',')}}`;
}

/** The probe as protojson writes a ReadinessProbe (only set fields). */
function probeJson(p: VmProbe): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['failureThreshold', 'initialDelaySeconds', 'periodSeconds', 'successThreshold', 'timeoutSeconds'] as const) {
    if (p[k] !== undefined) out[k] = p[k];
  }
  if (p.httpGet) out.httpGet = { ...p.httpGet };
  if (p.tcpSocket) out.tcpSocket = { ...p.tcpSocket };
  return out;
}

/**
 * The files `istioctl x workload entry configure` writes for these inputs, byte for byte (createMeshConfig,
 * createClusterEnv and createHosts in istio/istio@1.30.3 istioctl/pkg/workload/workload.go). No root
 * certificate and no token: those come from the cluster when the operator finishes the VM.
 */
export function workloadEntryConfigure(i: WorkloadEntryConfigureInputs): WorkloadEntryFiles {
  const rev = i.revision;
  const discoveryAddress = i.meshDefaultConfig.discoveryAddress
    || (isRevisioned(rev) ? `${istiodHost(i.istioNamespace, rev)}:15012` : undefined);
  // createMeshConfig: mesh proxyMetadata, then the WorkloadGroup's proxy config annotation, then the keys below.
  const md: Record<string, string> = { ...i.meshDefaultConfig.proxyMetadata, ...i.annotationProxyMetadata };
  const labels: Record<string, string> = { ...i.labels };
  [md.CANONICAL_SERVICE, md.CANONICAL_REVISION] = canonicalService(labels, i.name);
  md.POD_NAMESPACE = i.namespace;
  md.SERVICE_ACCOUNT = i.serviceAccount;
  md.TRUST_DOMAIN = i.trustDomain;
  md.ISTIO_META_CLUSTER_ID = i.clusterId;
  md.ISTIO_META_MESH_ID = i.meshDefaultConfig.meshId ?? '';
  md.ISTIO_META_NETWORK = i.network;
  const portNames = Object.keys(i.ports).sort();
  if (portNames.length > 0) {
    // model.PodPort: name (omitempty), containerPort, protocol (always written, empty here).
    md.ISTIO_META_POD_PORTS = `[${portNames.map((n) => `{${n === '' ? '' : `"name":${JSON.stringify(n)},`}"containerPort":${i.ports[n]},"protocol":""}`).join(',')}]`;
  }
  md.ISTIO_META_WORKLOAD_NAME = i.name;
  labels['service.istio.io/canonical-name'] = md.CANONICAL_SERVICE;
  labels['service.istio.io/canonical-revision'] = md.CANONICAL_REVISION;
  md.ISTIO_METAJSON_LABELS = goJsonMap(labels);
  if (i.captureDns ?? true) md.ISTIO_META_DNS_CAPTURE = 'true';
  if (i.autoRegister) md.ISTIO_META_AUTO_REGISTER_GROUP = i.name;

  const defaultConfig: Record<string, unknown> = {
    discoveryAddress,
    meshId: i.meshDefaultConfig.meshId || undefined,
    proxyMetadata: md,
    readinessProbe: i.probe ? probeJson(i.probe) : undefined,
  };
  const meshYaml = goYaml({ defaultConfig });

  // createClusterEnv: proxyMetadata plus the overrides. Map iteration order in Go is random, so the
  // inbound port list istioctl writes is unordered; we write it by port name (stable).
  const portValues = portNames.map((n) => String(i.ports[n]));
  const env: Record<string, string> = {
    ...md,
    ISTIO_INBOUND_PORTS: portValues.length > 0 ? portValues.join(',') : '*',
    ISTIO_NAMESPACE: i.namespace,
    ISTIO_SERVICE: `${i.name}.${i.namespace}`,
    ISTIO_SERVICE_CIDR: '*',
    // No explicit status port in the mesh config: istioctl adds the default 15020.
    ISTIO_LOCAL_EXCLUDE_PORTS: '22,15090,15021,15020',
    SERVICE_ACCOUNT: i.serviceAccount,
  };
  if (isRevisioned(rev)) env.CA_ADDR = `${istiodHost(i.istioNamespace, rev)}:15012`;
  if (i.internalIp) env.ISTIO_SVC_IP = i.internalIp;

  const hosts = i.ingressIp !== undefined && parseIp(i.ingressIp) ? `${i.ingressIp} ${istiodHost(i.istioNamespace, rev)}\n` : '';
  return { 'cluster.env': clusterEnvText(env), 'mesh.yaml': meshYaml, hosts };
}
