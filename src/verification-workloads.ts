import type { Application, ApplicationProps } from './application/application';
import { ControlPlaneModel } from './control-plane';
import type { Mesh } from './mesh';
import { isDnsLabel, isLabelValue } from './names';
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

/** Problems of the clusters' verification-workload props. */
export function verificationProblems(mesh: Mesh): Problem[] {
  const problems: Problem[] = [];
  for (const c of mesh.clusters) {
    const v = c.verificationWorkloads;
    if (!v) continue;
    if (v.namespace !== undefined && !isDnsLabel(v.namespace)) {
      problems.push({
        cluster: c.name, field: 'verificationWorkloads.namespace', value: v.namespace, message: 'is not a valid namespace name',
        allowed: 'a DNS-1123 label: lowercase letters, digits and "-", at most 63 characters', fix: `use e.g. "${SAMPLE_NAMESPACE}"`,
      });
    }
    const version = v.helloworldVersion;
    if (version !== undefined && (version === '' || !isLabelValue(version) || !isDnsLabel(`helloworld-${version}`))) {
      problems.push({
        cluster: c.name, field: 'verificationWorkloads.helloworldVersion', value: version,
        message: 'is not a usable version: it becomes the version label, the Deployment name helloworld-<version> and the image examples-helloworld-<version>',
        allowed: 'lowercase letters, digits and "-" (a label value and DNS-1123 label), e.g. v1', fix: 'use "v1" or "v2", the versions Istio publishes',
      });
    }
  }
  return problems;
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
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), { cluster, version: v.helloworldVersion }]);
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
