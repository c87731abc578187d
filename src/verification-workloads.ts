import { k8s } from './k8s';
import { Construct } from 'constructs';
import { INJECTION_LABEL } from './istio';

/** Props of {@link VerificationWorkloads}. */
export interface VerificationWorkloadsProps {
  /** Namespace of the samples. @default 'sample' */
  readonly namespace?: string;
  /**
   * Which `helloworld` version runs in this cluster (`v1` or `v2` in Istio's sample).
   * @default - the Service only, no helloworld Deployment
   */
  readonly helloworldVersion?: string;
}

/** Default namespace of the verification samples, as in the docs. */
export const SAMPLE_NAMESPACE = 'sample';

/**
 * The workloads the multicluster docs use to verify an install: namespace `sample` with sidecar
 * injection, the `helloworld` Service (present in every cluster so that each cluster's istiod knows the
 * host), a `helloworld-<version>` Deployment, and `curl`. The objects mirror Istio's
 * `samples/helloworld/helloworld.yaml` and `samples/curl/curl.yaml` (1.30.3) field for field.
 *
 * @see https://istio.io/latest/docs/setup/install/multicluster/verify/
 */
export class VerificationWorkloads extends Construct {
  constructor(scope: Construct, id: string, props: VerificationWorkloadsProps = {}) {
    super(scope, id);
    const namespace = props.namespace ?? SAMPLE_NAMESPACE;

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: { name: namespace, labels: { [INJECTION_LABEL]: 'enabled' } },
    });

    new k8s.KubeService(this, 'HelloworldService', {
      metadata: { name: 'helloworld', namespace, labels: { app: 'helloworld', service: 'helloworld' } },
      spec: { ports: [{ port: 5000, name: 'http' }], selector: { app: 'helloworld' } },
    });

    if (props.helloworldVersion !== undefined) {
      const version = props.helloworldVersion;
      const labels = { app: 'helloworld', version };
      new k8s.KubeDeployment(this, 'HelloworldDeployment', {
        metadata: { name: `helloworld-${version}`, namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: { ...labels } },
          template: {
            metadata: { labels: { ...labels } },
            spec: {
              containers: [{
                name: 'helloworld',
                image: `registry.istio.io/release/examples-helloworld-${version}:1.0`,
                resources: { requests: { cpu: k8s.Quantity.fromString('100m') } },
                imagePullPolicy: 'IfNotPresent',
                ports: [{ containerPort: 5000 }],
              }],
            },
          },
        },
      });
    }

    new k8s.KubeServiceAccount(this, 'CurlServiceAccount', { metadata: { name: 'curl', namespace } });
    new k8s.KubeService(this, 'CurlService', {
      metadata: { name: 'curl', namespace, labels: { app: 'curl', service: 'curl' } },
      spec: { ports: [{ port: 80, name: 'http' }], selector: { app: 'curl' } },
    });
    new k8s.KubeDeployment(this, 'CurlDeployment', {
      metadata: { name: 'curl', namespace },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'curl' } },
        template: {
          metadata: { labels: { app: 'curl' } },
          spec: {
            terminationGracePeriodSeconds: 0,
            serviceAccountName: 'curl',
            containers: [{
              name: 'curl',
              image: 'docker.io/curlimages/curl:8.16.0',
              command: ['/bin/sleep', 'infinity'],
              imagePullPolicy: 'IfNotPresent',
              volumeMounts: [{ mountPath: '/etc/curl/tls', name: 'secret-volume' }],
            }],
            volumes: [{ name: 'secret-volume', secret: { secretName: 'curl-secret', optional: true } }],
          },
        },
      },
    });

    // The Namespace falls in Phase.NAMESPACES and everything else in Phase.WORKLOADS by default.
  }
}
