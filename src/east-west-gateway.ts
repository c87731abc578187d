import { Construct } from 'constructs';
import { GatewayDeploymentOptions, IstioGatewayChart } from './gateway-chart';
import { EAST_WEST_GATEWAY_NAME } from './istio';

/**
 * How a cluster's east-west gateway is declared in the model: where it is reached, and its Deployment's
 * replicas, resources, autoscaling and scheduling (the gateway chart's values of the same names).
 */
export interface EastWestGatewayOptions extends GatewayDeploymentOptions {
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
  /** Replicas, resources and scheduling of the Deployment. @default - the chart's */
  readonly deployment?: GatewayDeploymentOptions;
}

/**
 * The east-west gateway: what `helm install istio-eastwestgateway istio/gateway -n istio-system
 * --set name=istio-eastwestgateway --set networkGateway=<network>` renders (see IstioGatewayChart).
 *
 * @see https://istio.io/latest/docs/setup/install/multicluster/multi-primary_multi-network/
 */
export class EastWestGateway extends IstioGatewayChart {
  constructor(scope: Construct, id: string, props: EastWestGatewayProps) {
    super(scope, id, {
      name: EAST_WEST_GATEWAY_NAME,
      namespace: props.namespace,
      networkGateway: props.network,
      loadBalancerIP: props.loadBalancerIP,
      serviceAnnotations: props.serviceAnnotations,
      deployment: props.deployment,
    });
  }
}
