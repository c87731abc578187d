import { k8s } from './k8s';
import { Construct } from 'constructs';
import { INJECTION_LABEL } from './istio';
import { isDnsLabel, toDnsLabel } from './names';
import type { Problem } from './problem';

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

/** `helloworld-<version>` must stay a DNS-1123 label (63 characters). */
const HELLOWORLD_VERSION_MAX = 63 - 'helloworld-'.length;

/**
 * Problems of the verification workloads of `cluster`. The namespace and `helloworld-<version>` become
 * object names and output file names (`dist/<cluster>/.../deployment_<namespace>_helloworld-<version>.yaml`),
 * and the version a label value and part of the image name, so both are DNS-1123 labels: nothing else can
 * name a path outside the cluster's directory.
 *
 * @param taken namespaces the cluster's output already creates (its control-plane namespaces)
 */
export function verificationWorkloadsProblems(cluster: string, props: VerificationWorkloadsProps, taken: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const namespace = props.namespace;
  if (namespace !== undefined && !isDnsLabel(namespace)) {
    problems.push({
      cluster, field: 'verificationWorkloads.namespace', value: namespace,
      message: 'is not a valid namespace name (it becomes the Namespace object and part of output file names)',
      allowed: 'a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
      fix: `use e.g. "${toDnsLabel(namespace, SAMPLE_NAMESPACE)}", or omit it for "${SAMPLE_NAMESPACE}"`,
    });
  } else if (taken.includes(namespace ?? SAMPLE_NAMESPACE)) {
    problems.push({
      cluster, field: 'verificationWorkloads.namespace', value: namespace ?? SAMPLE_NAMESPACE,
      message: 'is a namespace the control plane of this cluster already uses; the samples belong in a namespace of their own',
      fix: `omit it for "${SAMPLE_NAMESPACE}", or pick another namespace`,
    });
  }
  const version = props.helloworldVersion;
  if (version !== undefined && (!isDnsLabel(version) || version.length > HELLOWORLD_VERSION_MAX)) {
    problems.push({
      cluster, field: 'verificationWorkloads.helloworldVersion', value: version,
      message: `is not a valid version: it becomes the Deployment name "helloworld-<version>" (a DNS-1123 label), the "version" label and part of the image name`,
      allowed: `lowercase letters, digits and "-", starting and ending with a letter or digit, at most ${HELLOWORLD_VERSION_MAX} characters (Istio's sample has "v1" and "v2")`,
      fix: `use e.g. "${toDnsLabel(version, 'v1', HELLOWORLD_VERSION_MAX)}"`,
    });
  }
  return problems;
}

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
