import type { Application, ApplicationProps } from './application/application';
import { ControlPlaneModel } from './control-plane';
import type { Cluster } from './cluster';
import { ISTIO_SYSTEM_NAMESPACE } from './istio';
import type { Mesh } from './mesh';
import { isDnsLabel, toDnsLabel } from './names';
import type { Problem } from './problem';

/** Props of the verification workloads of a cluster (`Cluster.addVerificationWorkloads()`). */
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

/** The images of Istio's samples (samples/helloworld/helloworld.yaml, samples/curl/curl.yaml, 1.30.3). */
const helloworldImage = (version: string) => `registry.istio.io/release/examples-helloworld-${version}:1.0`;
const CURL_IMAGE = 'docker.io/curlimages/curl:8.16.0';

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

/** The problems of a cluster's verification workloads (see verificationWorkloadsProblems), if it has any. */
export function clusterVerificationProblems(cluster: Cluster): Problem[] {
  const v = cluster.verificationWorkloads;
  if (!v) return [];
  const taken = [cluster.controlPlaneNamespace, ...(cluster.controlPlane.model === ControlPlaneModel.EXTERNAL ? [ISTIO_SYSTEM_NAMESPACE] : [])];
  return verificationWorkloadsProblems(cluster.name, v, taken);
}

/**
 * The workloads the multicluster docs use to verify an install, as an instance of the application model:
 * per namespace (default `sample`), an application with the `helloworld` Service (in every cluster with
 * verification workloads, since `curl` calls it there), `helloworld` placed per version on the clusters
 * that run it, and `curl` on every one of them. The objects equal Istio's `samples/helloworld/helloworld.yaml`
 * and `samples/curl/curl.yaml` (1.30.3) field for field. Clusters hosting an external control plane are
 * left out (the mesh reports them).
 *
 * @see https://istio.io/latest/docs/setup/install/multicluster/verify/
 */
export function materializeVerificationWorkloads(mesh: Mesh, addApplication: (name: string, props: ApplicationProps) => Application): void {
  const byNamespace = new Map<string, { cluster: (typeof mesh.clusters)[number]; version?: string }[]>();
  for (const cluster of mesh.clusters) {
    const v = cluster.verificationWorkloads;
    if (!v || cluster.controlPlane.model === ControlPlaneModel.EXTERNAL) continue;
    const ns = v.namespace ?? SAMPLE_NAMESPACE;
    let entries = byNamespace.get(ns);
    if (!entries) byNamespace.set(ns, entries = []);
    entries.push({ cluster, version: v.helloworldVersion });
  }
  for (const [namespace, entries] of byNamespace) {
    const app = addApplication(namespace, { namespace });
    const helloworld = app.addService('helloworld', { ports: [{ port: 5000, name: 'http' }] });
    const versions = [...new Set(entries.map((e) => e.version).filter((v): v is string => v !== undefined))];
    for (const version of versions) {
      app.addWorkload('helloworld', {
        version,
        image: helloworldImage(version),
        requests: { cpu: '100m' },
        ports: [5000],
        placement: { clusters: entries.filter((e) => e.version === version).map((e) => e.cluster) },
      });
    }
    app.addService('curl', { ports: [{ port: 80, name: 'http' }] });
    const curl = app.addWorkload('curl', {
      image: CURL_IMAGE,
      serviceAccount: { name: 'curl' },
      command: ['/bin/sleep', 'infinity'],
      terminationGracePeriodSeconds: 0,
      volumeMounts: [{ mountPath: '/etc/curl/tls', name: 'secret-volume' }],
      volumes: [{ name: 'secret-volume', secret: { secretName: 'curl-secret', optional: true } }],
      placement: { clusters: entries.map((e) => e.cluster) },
    });
    curl.calls(helloworld);
  }
}
