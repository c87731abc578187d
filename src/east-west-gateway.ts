import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { EAST_WEST_GATEWAY_NAME, ISTIO_VERSION, NETWORK_LABEL, REQUESTED_NETWORK_VIEW_ENV } from './istio';
import { Phase } from './phase';

/** How a cluster's east-west gateway is declared in the model. */
export interface EastWestGatewayOptions {
  /**
   * Whether the cluster gets an east-west gateway.
   *
   * @default - true for primary clusters of a multi-network mesh, else false
   */
  readonly enabled?: boolean;

  /**
   * The gateway's stable external address: an IP, which pins the LoadBalancer Service to it
   * (`spec.loadBalancerIP`, the gateway chart's `service.loadBalancerIP`), or a DNS name that already
   * resolves to the gateway (e.g. from external-dns). Other clusters that must reach this gateway at
   * install time (remote clusters' `global.remotePilotAddress`) need it; with GitOps no one can read
   * the LoadBalancer's address at apply time.
   *
   * @default - assigned by the cloud's load balancer at run time
   */
  readonly address?: string;

  /**
   * Annotations for the gateway Service, e.g. a cloud's internal-load-balancer annotation.
   *
   * @default - none
   */
  readonly serviceAnnotations?: { [key: string]: string };
}

/** Props of {@link EastWestGateway}. */
export interface EastWestGatewayProps {
  /** Namespace of the gateway (the control-plane namespace, as in Istio's docs). */
  readonly namespace: string;
  /** The network the gateway serves; becomes its network label and requested network view. */
  readonly network: string;
  /** A static IP to pin the LoadBalancer to. @default - none */
  readonly loadBalancerIP?: string;
  /** Service annotations. @default - none */
  readonly serviceAnnotations?: { [key: string]: string };
}

/** The fixed ports of a network gateway, in the order the gateway chart renders them. */
export const EAST_WEST_GATEWAY_PORTS = [
  { name: 'status-port', port: 15021 },
  { name: 'tls', port: 15443 },
  { name: 'tls-istiod', port: 15012 },
  { name: 'tls-webhook', port: 15017 },
] as const;

/**
 * The east-west gateway: the objects Istio's `gateway` chart renders for
 * `helm install istio-eastwestgateway istio/gateway -n istio-system --set name=istio-eastwestgateway
 * --set networkGateway=<network>` (Istio 1.30.3, chart defaults): ServiceAccount, Role and RoleBinding
 * for secrets, the LoadBalancer Service with the four network-gateway ports, the Deployment whose
 * `istio-proxy` container is injected with the `gateway` template, and the HorizontalPodAutoscaler.
 *
 * Deliberate differences from the chart, so that GitOps output stays honest:
 * - Helm's own labels (`app.kubernetes.io/managed-by: Helm`, `helm.sh/chart`) are replaced by
 *   `app.kubernetes.io/managed-by: cdk8s-istio-multicluster`: these objects are not a Helm release, and
 *   `helm` must not believe it owns them.
 * - Empty `annotations: {}` maps are omitted (no meaning in Kubernetes).
 *
 * These objects use the Kubernetes L1 classes that cdk8s-plus-27 exports rather than its L2 Deployment
 * and Service: the L2 classes add their own defaults (2 replicas, a startup probe, a
 * `cdk8s.io/metadata.addr` pod label, `imagePullPolicy: Always`, `automountServiceAccountToken: false`)
 * that would make the gateway differ from what Istio ships and from what the HPA manages.
 *
 * @see https://istio.io/latest/docs/setup/install/multicluster/multi-primary_multi-network/
 */
export class EastWestGateway extends Construct {
  /** The gateway name (`istio-eastwestgateway`). */
  public readonly name = EAST_WEST_GATEWAY_NAME;
  /** Selector labels, as used by `Gateway.spec.selector` (`istio: eastwestgateway`). */
  public readonly selectorLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: EastWestGatewayProps) {
    super(scope, id);
    const name = EAST_WEST_GATEWAY_NAME;
    const namespace = props.namespace;

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
        labels: { ...labels, [NETWORK_LABEL]: props.network },
        ...(props.serviceAnnotations && Object.keys(props.serviceAnnotations).length > 0
          ? { annotations: { ...props.serviceAnnotations } } : {}),
      },
      spec: {
        ...(props.loadBalancerIP ? { loadBalancerIp: props.loadBalancerIP } : {}),
        type: 'LoadBalancer',
        ports: EAST_WEST_GATEWAY_PORTS.map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: k8s.IntOrString.fromNumber(p.port),
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
            labels: { 'sidecar.istio.io/inject': 'true', ...labels, [NETWORK_LABEL]: props.network },
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
              env: [{ name: REQUESTED_NETWORK_VIEW_ENV, value: props.network }],
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
