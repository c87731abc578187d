import type { Cluster } from '../cluster';
import { ControlPlaneModel } from '../control-plane';
import type { GatewayPort } from '../gateway-chart';
import { isDnsSubdomain } from '../names';
import type { Problem } from '../problem';
import type { Application } from './application';
import type { ApplicationService } from './service';
import { HttpMatch, httpMatchJson, matchProblems } from './traffic';

/** Name of the ingress gateway (the name istioctl's default profile gives it; selector `istio: ingressgateway`). */
export const INGRESS_GATEWAY_NAME = 'istio-ingressgateway';

/**
 * The ports of the ingress gateway Service, as istioctl's default profile exposes them: 80 and 443 to the
 * unprivileged 8080 and 8443 the proxy listens on. Gateway servers name the listening port, which is why
 * Istio's `bookinfo-gateway.yaml` says 8080.
 */
export const INGRESS_GATEWAY_PORTS: readonly GatewayPort[] = [
  { name: 'status-port', port: 15021 },
  { name: 'http2', port: 80, targetPort: 8080 },
  { name: 'https', port: 443, targetPort: 8443 },
];

/** TLS of an ingress: only a reference to a Secret, never a key or certificate. */
export interface IngressTls {
  /**
   * Name of the kubernetes.io/tls Secret in the gateway's namespace (istio-system), e.g. created by
   * cert-manager. Only the name is written.
   */
  readonly credentialName: string;
}

/** Props of an application's ingress, given to `Application.addIngress()`. */
export interface IngressProps {
  /** The clusters with an ingress gateway for the application. */
  readonly clusters: readonly Cluster[];
  /** Hosts the Gateway accepts. @default ['*'] */
  readonly hosts?: readonly string[];
  /** HTTPS on 443 (SIMPLE TLS by credentialName). @default - HTTP only */
  readonly tls?: IngressTls;
}

/** How a service is exposed through the ingress. */
export interface ExposeProps {
  /** Requests routed to the service. @default - every request */
  readonly match?: readonly HttpMatch[];
  /** Service port. @default - the service's first port */
  readonly port?: number;
  /** Subset of the service (a version, or a cluster with subsets by cluster). @default - the whole service */
  readonly subset?: string;
}

/**
 * An application's ingress: Istio's ingress gateway (rendered like the `gateway` chart) in the chosen
 * clusters, a Gateway `<application>-gateway` and a VirtualService `<application>` bound to it, routing to
 * the exposed services.
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/
 */
export class Ingress {
  /** The application. */
  public readonly application: Application;
  /** The clusters with the gateway. */
  public readonly clusters: readonly Cluster[];
  /** Accepted hosts. */
  public readonly hosts: readonly string[];
  /** TLS, if any. */
  public readonly tls?: IngressTls;
  private readonly _exposed: { readonly service: ApplicationService; readonly props: ExposeProps }[] = [];

  /** @internal use `Application.addIngress()` */
  constructor(application: Application, props: IngressProps) {
    this.application = application;
    this.clusters = [...props.clusters];
    this.hosts = [...(props.hosts ?? ['*'])];
    this.tls = props.tls;
  }

  /** The Gateway name. */
  public get gatewayName(): string {
    return `${this.application.name}-gateway`;
  }

  /** The field path in the topology vocabulary. */
  public get field(): string {
    return `${this.application.field}.ingress`;
  }

  /** Routes requests matching `props.match` to `service`. */
  public expose(service: ApplicationService, props: ExposeProps = {}): void {
    this.application._changed();
    this._exposed.push({ service, props: { ...props } });
  }

  /** The exposed services, in order. */
  public get exposed(): readonly { readonly service: ApplicationService; readonly props: ExposeProps }[] {
    return [...this._exposed];
  }

  /** The Gateway spec, given the gateway's selector labels. */
  public gatewaySpec(selector: { [key: string]: string }): Record<string, unknown> {
    const http = INGRESS_GATEWAY_PORTS[1];
    const https = INGRESS_GATEWAY_PORTS[2];
    return {
      selector: { istio: selector.istio },
      servers: [
        { port: { number: http.targetPort, name: 'http', protocol: 'HTTP' }, hosts: [...this.hosts] },
        ...(this.tls ? [{
          port: { number: https.targetPort, name: 'https', protocol: 'HTTPS' },
          tls: { mode: 'SIMPLE', credentialName: this.tls.credentialName },
          hosts: [...this.hosts],
        }] : []),
      ],
    };
  }

  /** The VirtualService spec bound to the Gateway. */
  public virtualServiceSpec(): Record<string, unknown> {
    return {
      hosts: [...this.hosts],
      gateways: [this.gatewayName],
      http: this._exposed.map(({ service, props }) => ({
        ...(props.match && props.match.length > 0 ? { match: httpMatchJson(props.match) } : {}),
        route: [{ destination: { host: service.name, ...(props.subset !== undefined ? { subset: props.subset } : {}), port: { number: props.port ?? service.ports[0]?.port } } }],
      })),
    };
  }

  /** Problems of the ingress declaration. */
  public problems(): Problem[] {
    const problems: Problem[] = [];
    const f = this.field;
    const mesh = this.application.mesh;
    if (this.clusters.length === 0) problems.push({ field: `${f}.clusters`, message: 'is empty', allowed: mesh.clusters.map((c) => c.name).join(', '), fix: 'name the clusters that get the ingress gateway' });
    this.clusters.forEach((c, i) => {
      if (c.mesh !== mesh) {
        problems.push({ field: `${f}.clusters[${i}]`, value: c.name, message: 'is a cluster of another mesh', fix: 'use a cluster of this mesh' });
      } else if (c.controlPlane.model === ControlPlaneModel.EXTERNAL) {
        problems.push({
          cluster: c.name, field: `${f}.clusters[${i}]`, value: c.name,
          message: 'hosts an external control plane: its only gateway exposes istiod, and it runs no application workloads, so it can have no ingress gateway for the application',
          fix: 'put the ingress on a cluster the external control plane serves',
        });
      }
    });
    this.hosts.forEach((h, i) => {
      if (h !== '*' && !isDnsSubdomain(h.replace(/^\*\./, ''))) {
        problems.push({ field: `${f}.hosts[${i}]`, value: h, message: 'is not a host name', allowed: '"*", a DNS name or "*.<domain>"', fix: 'use e.g. bookinfo.example.com' });
      }
    });
    if (this.tls && !isDnsSubdomain(this.tls.credentialName)) {
      problems.push({ field: `${f}.tls.credentialName`, value: this.tls.credentialName, message: 'is not a Secret name', allowed: 'a DNS-1123 subdomain (the name of a TLS Secret in istio-system; never its content)', fix: 'name the Secret, e.g. bookinfo-credential' });
    }
    if (this._exposed.length === 0) problems.push({ field: `${f}.routes`, message: 'exposes no service', fix: 'expose a service of the application' });
    this._exposed.forEach(({ service, props }, i) => {
      const at = `${f}.routes[${i}]`;
      if (service.application !== this.application) {
        problems.push({ field: `${at}.service`, value: service.name, message: `is a service of application "${service.application.name}"`, fix: 'expose services of this application' });
      }
      problems.push(...matchProblems(props.match ?? [], `${at}.match`));
      if (props.port !== undefined && !service.ports.some((p) => p.port === props.port)) {
        problems.push({ field: `${at}.port`, value: props.port, message: `is not a port of service "${service.name}"`, allowed: service.ports.map((p) => p.port).join(', '), fix: 'use a port of the service' });
      }
    });
    return problems;
  }
}
