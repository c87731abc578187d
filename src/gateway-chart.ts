import { k8s } from './k8s';
import { Construct } from 'constructs';
import { ISTIO_VERSION, NETWORK_LABEL, REQUESTED_NETWORK_VIEW_ENV } from './istio';
import { Phase } from './phase';

/** A Service port of a gateway. */
export interface GatewayPort {
  readonly name: string;
  readonly port: number;
  /** The port the proxy listens on. @default - `port` */
  readonly targetPort?: number;
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

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: { name, namespace, labels },
      spec: {
        // No replicas: the HPA owns the replica count (the chart omits it when autoscaling is on).
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
              resources: {
                limits: { cpu: k8s.Quantity.fromString('2000m'), memory: k8s.Quantity.fromString('1024Mi') },
                requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') },
              },
            }],
            terminationGracePeriodSeconds: 30,
          },
        },
      },
    });

    new k8s.KubeHorizontalPodAutoscalerV2(this, 'HorizontalPodAutoscaler', {
      metadata: { name, namespace, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 1,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: 80, type: 'Utilization' } } }],
      },
    });

    Phase.assign(this, Phase.GATEWAYS);
  }
}
