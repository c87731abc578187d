import { k8s } from './k8s';
import { Construct } from 'constructs';
import { ISTIO_VERSION, NETWORK_LABEL, REQUESTED_NETWORK_VIEW_ENV } from './istio';
import { Phase } from './phase';
import { countProblem, PodScheduling, ProblemPlace, ResourceRequirements, resourcesProblems, schedulingProblems } from './pod-scheduling';
import { suggest } from './names';
import type { Problem } from './problem';
import { mergeValues } from './install-values/install-values';

/** A Service port of a gateway. */
export interface GatewayPort {
  readonly name: string;
  readonly port: number;
  /** The port the proxy listens on. @default - `port` */
  readonly targetPort?: number;
}

/** The gateway chart's HPA (`autoscaling`). */
export interface GatewayAutoscaling {
  /** `autoscaling.minReplicas`. @default 1 */
  readonly minReplicas?: number;
  /** `autoscaling.maxReplicas`. @default 5 */
  readonly maxReplicas?: number;
  /** `autoscaling.targetCPUUtilizationPercentage`. @default 80 */
  readonly targetCPUUtilizationPercentage?: number;
  /** `autoscaling.targetMemoryUtilizationPercentage`. @default - no memory metric */
  readonly targetMemoryUtilizationPercentage?: number;
}

/** Replicas, resources and scheduling of a gateway's Deployment, as the gateway chart's values set them. */
export interface GatewayDeploymentOptions extends PodScheduling {
  /**
   * A fixed replica count: the chart's `replicaCount` with `autoscaling.enabled: false` (no HPA, the
   * Deployment has `replicas`). Exclusive with `autoscaling`.
   * @default - autoscaled (see autoscaling)
   */
  readonly replicas?: number;
  /** The HPA's bounds and targets. @default { minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 80 } */
  readonly autoscaling?: GatewayAutoscaling;
  /**
   * The proxy container's resources, merged over the chart's (requests cpu 100m, memory 128Mi; limits cpu
   * 2000m, memory 1024Mi) as Helm merges values.
   * @default - the chart's
   */
  readonly resources?: ResourceRequirements;
}

/** The gateway chart's default `resources`. */
const DEFAULT_RESOURCES: ResourceRequirements = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2000m', memory: '1024Mi' } };

/**
 * The container resources as the chart's `gateway.resources` helper renders them (templates/_helpers.tpl):
 * `limits` then `requests`, resource names sorted (Go map order), empty values dropped, an empty group dropped.
 */
function renderResources(r: ResourceRequirements): { limits?: Record<string, k8s.Quantity>; requests?: Record<string, k8s.Quantity> } {
  const out: Record<string, Record<string, k8s.Quantity>> = {};
  for (const key of ['limits', 'requests'] as const) {
    const entries = Object.entries(r[key] ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '' && v !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length > 0) {
      out[key] = Object.fromEntries(entries.map(([n, v]) => [n, typeof v === 'number' ? k8s.Quantity.fromNumber(v) : k8s.Quantity.fromString(v)]));
    }
  }
  return out;
}

/** Props of {@link IstioGatewayChart}. */
export interface IstioGatewayChartProps {
  /** The chart's `name` value: the name of every object. */
  readonly name: string;
  /** The release namespace. */
  readonly namespace: string;
  /**
   * The chart's `networkGateway` value: the network label, the requested network view and the four
   * network-gateway ports. @default - not a network gateway; `ports` are the Service ports
   */
  readonly networkGateway?: string;
  /** The chart's `service.ports` when not a network gateway. @default - none */
  readonly ports?: readonly GatewayPort[];
  /** A static IP to pin the LoadBalancer to. @default - none */
  readonly loadBalancerIP?: string;
  /** Service annotations. @default - none */
  readonly serviceAnnotations?: { [key: string]: string };
  /** Replicas, resources and scheduling of the Deployment. @default - the chart's */
  readonly deployment?: GatewayDeploymentOptions;
}

/** The fixed ports of a network gateway, in the order the gateway chart renders them (`networkGatewayPorts`). */
export const NETWORK_GATEWAY_PORTS: readonly GatewayPort[] = [
  { name: 'status-port', port: 15021 },
  { name: 'tls', port: 15443 },
  { name: 'tls-istiod', port: 15012 },
  { name: 'tls-webhook', port: 15017 },
];

/**
 * The objects Istio's `gateway` chart (Istio 1.30.3, chart defaults) renders for one gateway:
 * ServiceAccount, Role and RoleBinding for secrets, the LoadBalancer Service, the Deployment whose
 * `istio-proxy` container is injected with the `gateway` template, and the HorizontalPodAutoscaler.
 * With `networkGateway` set, it is the chart's network-gateway rendering (network label, requested
 * network view, the four fixed ports).
 *
 * Deliberate differences from the chart, so that GitOps output stays honest:
 * - Helm's own labels (`app.kubernetes.io/managed-by: Helm`, `helm.sh/chart`) are replaced by
 *   `app.kubernetes.io/managed-by: cdk8s-istio-multicluster`: these objects are not a Helm release, and
 *   `helm` must not believe it owns them.
 * - Empty `annotations: {}` maps are omitted (no meaning in Kubernetes).
 *
 * These objects use the Kubernetes L1 classes (imports/k8s.ts, as cdk8s-plus-27 generates them) rather than
 * cdk8s-plus's L2 Deployment and Service: the L2 classes add their own defaults (2 replicas, a startup probe, a
 * `cdk8s.io/metadata.addr` pod label, `imagePullPolicy: Always`, `automountServiceAccountToken: false`)
 * that would make the gateway differ from what Istio ships and from what the HPA manages.
 */
export class IstioGatewayChart extends Construct {
  /** The gateway name. */
  public readonly name: string;
  /** Selector labels, as used by `Gateway.spec.selector` (`istio: eastwestgateway`). */
  public readonly selectorLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: IstioGatewayChartProps) {
    super(scope, id);
    const name = props.name;
    this.name = name;
    const namespace = props.namespace;
    const network = props.networkGateway;
    const networkLabel: { [key: string]: string } = network !== undefined ? { [NETWORK_LABEL]: network } : {};
    const ports = network !== undefined ? NETWORK_GATEWAY_PORTS : props.ports ?? [];

    // gateway.selectorLabels: app = name, istio = name without the "istio-" prefix.
    this.selectorLabels = { app: name, istio: name.replace(/^istio-/, '') };
    // istio.labels, minus Helm's release bookkeeping (see class doc), then gateway.labels: the selector
    // labels plus the chart's default `labels` value. Every object of the chart carries these.
    const labels = {
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/managed-by': 'cdk8s-istio-multicluster',
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': ISTIO_VERSION,
      ...this.selectorLabels,
      'istio.io/dataplane-mode': 'none',
    };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name, namespace, labels },
    });

    // The chart's Role lets the gateway read TLS secrets for credentialName.
    new k8s.KubeRole(this, 'Role', {
      metadata: { name, namespace, labels },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name }],
    });

    new k8s.KubeService(this, 'Service', {
      metadata: {
        name,
        namespace,
        labels: { ...labels, ...networkLabel },
        ...(props.serviceAnnotations && Object.keys(props.serviceAnnotations).length > 0
          ? { annotations: { ...props.serviceAnnotations } } : {}),
      },
      spec: {
        ...(props.loadBalancerIP ? { loadBalancerIp: props.loadBalancerIP } : {}),
        type: 'LoadBalancer',
        ports: ports.map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: k8s.IntOrString.fromNumber(p.targetPort ?? p.port),
          protocol: 'TCP',
        })),
        selector: { ...this.selectorLabels },
      },
    });

    const d = props.deployment ?? {};
    // With a fixed count the chart renders `replicas` and no HPA (templates/deployment.yaml, hpa.yaml).
    const autoscaling = d.replicas === undefined;
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name, namespace, labels },
      spec: {
        // Without a fixed count the HPA owns the replica count (the chart omits it when autoscaling is on).
        ...(autoscaling ? {} : { replicas: d.replicas }),
        selector: { matchLabels: { ...this.selectorLabels } },
        template: {
          metadata: {
            annotations: {
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
              'prometheus.io/path': '/stats/prometheus',
              'inject.istio.io/templates': 'gateway',
              'sidecar.istio.io/inject': 'true',
            },
            labels: { 'sidecar.istio.io/inject': 'true', ...labels, ...networkLabel },
          },
          spec: {
            serviceAccountName: name,
            securityContext: {
              // Safe since Kubernetes 1.22; lets Envoy bind ports < 1024 without privileges.
              sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
            },
            containers: [{
              name: 'istio-proxy',
              // "auto" is replaced by the sidecar injector's `gateway` template.
              image: 'auto',
              securityContext: {
                capabilities: { drop: ['ALL'] },
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
              },
              ...(network !== undefined ? { env: [{ name: REQUESTED_NETWORK_VIEW_ENV, value: network }] } : {}),
              ports: [{ containerPort: 15090, protocol: 'TCP', name: 'http-envoy-prom' }],
              resources: renderResources(mergeValues(DEFAULT_RESOURCES, d.resources ?? {})),
            }],
            // `with` in the chart: empty ones are not rendered.
            ...(d.nodeSelector && Object.keys(d.nodeSelector).length > 0 ? { nodeSelector: { ...d.nodeSelector } } : {}),
            ...(d.affinity && Object.keys(d.affinity).length > 0 ? { affinity: mergeValues({}, d.affinity) } : {}),
            ...(d.tolerations && d.tolerations.length > 0 ? { tolerations: d.tolerations.map((t) => ({ ...t })) } : {}),
            ...(d.topologySpreadConstraints && d.topologySpreadConstraints.length > 0
              ? { topologySpreadConstraints: d.topologySpreadConstraints.map((c) => mergeValues({}, c)) } : {}),
            terminationGracePeriodSeconds: 30,
          },
        },
      },
    });

    if (autoscaling) {
      const a = d.autoscaling ?? {};
      const cpu = a.targetCPUUtilizationPercentage ?? 80;
      const memory = a.targetMemoryUtilizationPercentage;
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'HorizontalPodAutoscaler', {
        metadata: { name, namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: a.minReplicas ?? 1,
          maxReplicas: a.maxReplicas ?? 5,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: cpu, type: 'Utilization' } } },
            ...(memory ? [{ type: 'Resource', resource: { name: 'memory', target: { averageUtilization: memory, type: 'Utilization' } } }] : []),
          ],
        },
      });
    }

    Phase.assign(this, Phase.GATEWAYS);
  }
}

/**
 * Problems of a gateway's Deployment options, named `<place.field>.<option>`: replicas ≥ 1, autoscaling
 * bounds (1 ≤ min ≤ max) and targets, quantities, label syntax and toleration enums.
 */
export function gatewayDeploymentProblems(place: ProblemPlace, d: GatewayDeploymentOptions): Problem[] {
  const problems: Problem[] = [];
  const where = (suffix: string) => ({ ...(place.cluster !== undefined ? { cluster: place.cluster } : {}), field: `${place.field}${suffix}` });
  problems.push(...countProblem(place, '.replicas', d.replicas, 1, 'replicas'));
  const a = d.autoscaling;
  if (a !== undefined) {
    if (typeof a !== 'object' || a === null || Array.isArray(a)) {
      problems.push({ ...where('.autoscaling'), value: a, message: 'is not a map', fix: 'write { minReplicas: 2, maxReplicas: 10 }' });
    } else {
      const known = ['minReplicas', 'maxReplicas', 'targetCPUUtilizationPercentage', 'targetMemoryUtilizationPercentage'];
      for (const k of Object.keys(a)) {
        if (!known.includes(k)) problems.push({ ...where(`.autoscaling.${k}`), message: 'is not an autoscaling setting of the gateway chart', allowed: known.join(', '), fix: suggest(k, known) ? `did you mean "${suggest(k, known)}"?` : 'remove it' });
      }
      problems.push(...countProblem(place, '.autoscaling.minReplicas', a.minReplicas, 1, 'minReplicas'));
      problems.push(...countProblem(place, '.autoscaling.maxReplicas', a.maxReplicas, 1, 'maxReplicas'));
      problems.push(...countProblem(place, '.autoscaling.targetCPUUtilizationPercentage', a.targetCPUUtilizationPercentage, 1, 'the target'));
      problems.push(...countProblem(place, '.autoscaling.targetMemoryUtilizationPercentage', a.targetMemoryUtilizationPercentage, 1, 'the target'));
      const min = a.minReplicas ?? 1; const max = a.maxReplicas ?? 5;
      if (typeof min === 'number' && typeof max === 'number' && min > max) {
        problems.push({ ...where('.autoscaling'), value: a, message: `has minReplicas ${min} above maxReplicas ${max} (the chart's defaults are 1 and 5); the HPA would be rejected`, fix: 'make minReplicas at most maxReplicas' });
      }
      if (d.replicas !== undefined) {
        problems.push({ ...where('.replicas'), value: d.replicas, message: 'is set together with autoscaling; a fixed count turns the chart\'s HPA off', fix: 'keep either replicas (fixed) or autoscaling' });
      }
    }
  }
  problems.push(...resourcesProblems({ ...place, field: `${place.field}.resources` }, d.resources));
  problems.push(...schedulingProblems(place, d));
  return problems;
}
