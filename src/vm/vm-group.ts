import { Construct } from 'constructs';
import type { Application } from '../application/application';
import type { ApplicationService } from '../application/service';
import { ISTIO_PROTOCOLS } from '../application/service';
import { parseIp } from '../cidr';
import type { Mesh } from '../mesh';
import { isDnsLabel, isLabelValue, qualifiedNameProblem } from '../names';
import type { Network } from '../network';
import type { Problem } from '../problem';
import type { VmProbe } from './bootstrap-bundle';

/** Props of a VM group, given to `Mesh.addVmGroup()`. */
export interface VmGroupProps {
  /** The namespace of the VMs' WorkloadGroup, ServiceAccount and Service (created in the joining cluster). */
  readonly namespace: string;
  /** The VMs' identity (`spec.template.serviceAccount`). @default - the group name */
  readonly serviceAccount?: string;
  /**
   * Labels of the VM workloads (`spec.metadata.labels`); the Service selects `app: <group name>`.
   * @default { app: <group name> }
   */
  readonly labels?: { readonly [key: string]: string };
  /**
   * Ports the VMs serve, name → number (`spec.template.ports`, the Service's ports). Names select the
   * protocol as in Kubernetes Services (`http`, `grpc-api`, `tcp-db`, ...).
   * @default - none (then no Service is created and the VM captures all inbound ports)
   */
  readonly ports?: { readonly [name: string]: number };
  /**
   * The network the VMs sit on: a network of the mesh (`mesh.addNetwork()`). A network without clusters makes
   * the mesh multi-network: the joining cluster then exposes istiod and its services on its east-west gateway.
   * @default - the joining cluster's network
   */
  readonly network?: Network;
  /** Readiness probe the VM's agent runs (`spec.probe`). @default - none */
  readonly probe?: VmProbe;
  /**
   * istiod creates the VMs' WorkloadEntries when they connect (autoregistration). Exclusive with `addresses`.
   * @default - true when no addresses are given
   */
  readonly autoRegister?: boolean;
  /** Fixed VM addresses (IPs): synth writes one WorkloadEntry each. @default - none (autoregistration) */
  readonly addresses?: readonly string[];
  /**
   * The control-plane revision the VMs run against, in a mesh with revisions: a revision (`mesh.addRevision`)
   * or a revision tag, which synth resolves to its revision when it writes the bundle (the VMs' files name
   * `istiod-<rev>`, as `istioctl x workload entry configure --revision <rev>` writes them). Moving the tag
   * later does not move VMs already configured: re-make their files from the new synth and restart them.
   * @default - the revision the mesh's namespaces use (`workloadRevision`); none in an unrevisioned mesh
   */
  readonly revision?: string;
}

/**
 * A group of virtual machines running one workload, joined to the mesh through a cluster's istiod: the
 * WorkloadGroup (`networking.istio.io/v1`), the VMs' namespace and ServiceAccount, a Service selecting them
 * (so pods reach them like any service of the mesh), WorkloadEntries for fixed addresses, and a bootstrap
 * bundle per group (`dist/_vm/<group>/`) with what `istioctl x workload entry configure` writes.
 *
 * @see https://istio.io/latest/docs/setup/install/virtual-machine/
 */
export class VmGroup extends Construct {
  /** The group name (WorkloadGroup name, `app` label, Service name). */
  public readonly name: string;
  /** The mesh. */
  public readonly mesh: Mesh;
  /** The namespace. */
  public readonly namespace: string;
  /** The ServiceAccount. */
  public readonly serviceAccount: string;
  /** The workload labels. */
  public readonly labels: { readonly [key: string]: string };
  /** Ports, name → number. */
  public readonly ports: { readonly [name: string]: number };
  /** The declared network, if any. */
  public readonly declaredNetwork?: Network;
  /** The probe, if any. */
  public readonly probe?: VmProbe;
  /** Fixed addresses. */
  public readonly addresses: readonly string[];
  /** Whether the VMs autoregister. */
  public readonly autoRegister: boolean;
  /** The revision or tag the group names, if any (`mesh.vmGroups.revisionOf(group)` resolves it). */
  public readonly revision?: string;
  /** The application the VM service belongs to (application `vm-<group>`, namespace of the group). */
  public readonly application: Application;
  /**
   * The VM service: a service of the mesh, callable by any workload (`workload.calls(group.service)`).
   * Undefined when the group declares no valid port (a Kubernetes Service needs one).
   */
  public readonly service?: ApplicationService;
  private readonly explicitAutoRegister?: boolean;
  private readonly _calls: ApplicationService[] = [];

  /** @internal use `Mesh.addVmGroup()` */
  constructor(mesh: Mesh, name: string, props: VmGroupProps, application: Application) {
    super(mesh, `vm-group-${name}`);
    this.mesh = mesh;
    this.name = name;
    this.namespace = props.namespace;
    this.serviceAccount = props.serviceAccount ?? name;
    this.labels = { ...(props.labels ?? { app: name }) };
    this.ports = { ...(props.ports ?? {}) };
    this.declaredNetwork = props.network;
    this.probe = props.probe;
    this.addresses = [...(props.addresses ?? [])];
    this.explicitAutoRegister = props.autoRegister;
    this.autoRegister = props.autoRegister ?? this.addresses.length === 0;
    this.revision = props.revision;
    this.application = application;
    // Registered into the application model: its index places the Service where the VMs join and where callers run.
    // Only well-formed ports: the group reports the others under its own field.
    const ports = Object.keys(this.ports).filter((n) => portNameProblem(n) === undefined && isPort(this.ports[n]))
      .map((n) => ({ name: n, port: this.ports[n] }));
    if (ports.length > 0) this.service = application.addService(name, { ports });
  }

  /** The field path in the topology vocabulary, e.g. `vmGroups.hello-vm`. */
  public get field(): string {
    return `vmGroups.${this.name}`;
  }

  /** The VMs call `services` (their Services then also exist in the joining cluster). */
  public calls(...services: ApplicationService[]): void {
    this._calls.push(...services);
    this.application._changed();
  }

  /** The services the VMs call. */
  public get called(): readonly ApplicationService[] {
    return [...this._calls];
  }

  /** Problems of the group's own props (mesh-wide checks live in MeshVmGroups). */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    const f = this.field;
    if (!isDnsLabel(this.name)) {
      problems.push({ field: f, value: this.name, message: 'is not a valid VM group name (it names the WorkloadGroup, the Service and the app label)', allowed: 'a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters', fix: 'rename the group, e.g. "hello-vm"' });
    }
    if (!isDnsLabel(this.namespace)) {
      problems.push({ field: `${f}.namespace`, value: this.namespace, message: 'is not a valid namespace name', allowed: 'a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters', fix: 'use e.g. "vm-namespace"' });
    } else if (this.mesh.clusters.some((c) => c.controlPlaneNamespace === this.namespace) || this.namespace.startsWith('kube-')) {
      problems.push({ field: `${f}.namespace`, value: this.namespace, message: 'is a namespace of Kubernetes or of the Istio control plane', fix: 'give the VMs their own namespace, e.g. "vm-namespace"' });
    }
    if (!isDnsLabel(this.serviceAccount)) {
      problems.push({ field: `${f}.serviceAccount`, value: this.serviceAccount, message: 'is not a valid ServiceAccount name for a VM identity (it is written into cluster.env and the token request)', allowed: 'a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters', fix: 'use e.g. "vm-sa"' });
    }
    for (const [k, v] of Object.entries(this.labels)) {
      const keyProblem = qualifiedNameProblem(k);
      if (keyProblem) problems.push({ field: `${f}.labels`, value: k, message: `has a key that is not a valid label key: ${keyProblem}`, fix: 'use keys like "app" or "example.com/tier"' });
      if (typeof v !== 'string' || !isLabelValue(v)) problems.push({ field: `${f}.labels.${k}`, value: v, message: 'is not a valid label value', allowed: 'letters, digits, "-", "_" and ".", at most 63 characters', fix: 'use e.g. "v1"' });
    }
    if (this.labels.app !== undefined && this.labels.app !== this.name) {
      problems.push({ field: `${f}.labels.app`, value: this.labels.app, message: `differs from the group name "${this.name}", but the VM Service selects app: <group name>`, fix: `remove the app label or set it to "${this.name}"` });
    }
    for (const [n, port] of Object.entries(this.ports)) {
      const p = portNameProblem(n);
      if (p) problems.push({ field: `${f}.ports.${n}`, value: n, message: p, allowed: `<protocol>[-<suffix>] with protocol one of ${ISTIO_PROTOCOLS.join(', ')}, a DNS-1123 label`, fix: `rename the port after its protocol, e.g. "http-${isDnsLabel(n) ? n : 'web'}" or "tcp-${isDnsLabel(n) ? n : 'db'}"` });
      if (!isPort(port)) problems.push({ field: `${f}.ports.${n}`, value: port, message: 'is not a port number', allowed: '1 to 65535', fix: 'use the port the VM application listens on' });
    }
    const numbers = Object.values(this.ports);
    numbers.forEach((n, i) => {
      if (numbers.indexOf(n) !== i) problems.push({ field: `${f}.ports`, value: n, message: 'declares one port number twice', fix: 'declare each port once' });
    });
    this.addresses.forEach((a, i) => {
      if (typeof a !== 'string' || !parseIp(a)) {
        problems.push({ field: `${f}.addresses[${i}]`, value: a, message: 'is not an IP address (a WorkloadEntry address of a VM)', allowed: 'an IPv4 or IPv6 address, e.g. 10.0.0.12', fix: 'write the VM\'s IP address' });
      }
      if (this.addresses.indexOf(a) !== i) problems.push({ field: `${f}.addresses[${i}]`, value: a, message: 'is listed twice', fix: 'list each VM address once' });
    });
    if (this.explicitAutoRegister === true && this.addresses.length > 0) {
      problems.push({ field: `${f}.autoRegister`, value: true, message: 'is set together with fixed addresses: istiod would create a second WorkloadEntry for each VM next to the ones synth writes', fix: 'either remove addresses (istiod registers the VMs) or remove autoRegister' });
    }
    if (this.declaredNetwork && this.declaredNetwork.mesh !== this.mesh) {
      problems.push({ field: `${f}.network`, value: this.declaredNetwork.name, message: 'is a network of another mesh', fix: 'declare the network with this mesh\'s addNetwork()' });
    }
    problems.push(...probeProblems(this.probe, `${f}.probe`));
    return problems;
  }
}

const isPort = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;

/** Why a port name defeats Istio's protocol selection, or undefined. */
function portNameProblem(name: string): string | undefined {
  if (!isDnsLabel(name) || name.length > 15) return 'is not a valid port name (an IANA service name: DNS-1123 label of at most 15 characters)';
  if (!ISTIO_PROTOCOLS.includes(name.split('-')[0])) return 'does not start with a protocol Istio knows, so Istio cannot select the protocol from it (it would sniff or treat the port as opaque TCP)';
  return undefined;
}

function probeProblems(p: VmProbe | undefined, f: string): Problem[] {
  if (p === undefined) return [];
  const problems: Problem[] = [];
  if ((p.httpGet === undefined) === (p.tcpSocket === undefined)) {
    problems.push({ field: f, message: 'needs exactly one of httpGet and tcpSocket', fix: 'e.g. httpGet: { port: 8080, path: /ready }' });
  }
  const port = p.httpGet?.port ?? p.tcpSocket?.port;
  if (port !== undefined && !isPort(port)) problems.push({ field: `${f}.${p.httpGet ? 'httpGet' : 'tcpSocket'}.port`, value: port, message: 'is not a port number', allowed: '1 to 65535', fix: 'use the port the readiness endpoint listens on' });
  const path = p.httpGet?.path;
  if (path !== undefined && !/^\/[A-Za-z0-9._~\/-]*$/.test(path)) {
    problems.push({ field: `${f}.httpGet.path`, value: path, message: 'is not a plain absolute URL path', allowed: '"/" followed by letters, digits and ._~/-', fix: 'use e.g. "/ready"' });
  }
  const scheme = p.httpGet?.scheme;
  if (scheme !== undefined && scheme !== 'HTTP' && scheme !== 'HTTPS') problems.push({ field: `${f}.httpGet.scheme`, value: scheme, message: 'is not a probe scheme', allowed: 'HTTP or HTTPS', fix: 'use HTTP or HTTPS' });
  for (const k of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = p[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 86400)) problems.push({ field: `${f}.${k}`, value: v, message: 'is not a whole number of seconds/attempts', allowed: '0 to 86400', fix: 'use a small whole number' });
  }
  return problems;
}
