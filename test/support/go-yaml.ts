/**
 * Go's YAML readers, through the `kubectl` binary (offline, no cluster needed), for tests that must prove
 * what Kubernetes tooling reads from our YAML:
 * - go-yaml v2 through sigs.k8s.io/yaml (YAML 1.1 rules: what `kubectl apply`, client-go and Argo CD
 *   read): `kubectl annotate --local -f <file> -o json`, which decodes every document into unstructured
 *   JSON without contacting a server;
 * - go-yaml v3 through kustomize/kyaml (`kubectl kustomize <dir>`), whose output go-yaml v2 then reads, as
 *   Argo CD does;
 * - client-go's kubeconfig loader: `kubectl config view --raw -o json`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The kubectl binary on PATH, or undefined when there is none (the Go checks are then skipped, loudly). */
export const KUBECTL: string | undefined = (() => {
  const r = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8', env: offlineEnv() });
  return r.status === 0 ? 'kubectl' : undefined;
})();

function offlineEnv(kubeconfig = '/dev/null'): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: os.tmpdir(), KUBECONFIG: kubeconfig };
}

function kubectl(args: string[], env: NodeJS.ProcessEnv, cwd?: string): string {
  if (!KUBECTL) throw new Error('kubectl is not on PATH');
  const r = spawnSync(KUBECTL, args, { encoding: 'utf8', env, cwd, maxBuffer: 1 << 30 });
  if (r.status !== 0) {
    // kustomize's errors quote the whole document: keep the start and the end, where the reason is.
    const err = String(r.stderr || r.error);
    throw new Error(`kubectl ${args.join(' ')} failed (${r.status}): ${err.length > 1200 ? `${err.slice(0, 400)} [...] ${err.slice(-600)}` : err}`);
  }
  return r.stdout;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'go-yaml-'));
}

/** A YAML stream of the given document texts (each a complete document ending in a newline). */
export function stream(texts: string[]): string {
  return texts.map((t) => `---\n${t}`).join('');
}

/**
 * The documents of a YAML stream as go-yaml v2 reads them (sigs.k8s.io/yaml, as `kubectl apply` does),
 * in order. Every document must be a Kubernetes-shaped object (apiVersion, kind, metadata.name); kubectl
 * adds an annotation `go-yaml-probe: v2`, which the caller ignores.
 */
export function readWithGoYamlV2(yamlStream: string): any[] {
  const dir = tempDir();
  try {
    fs.writeFileSync(path.join(dir, 'docs.yaml'), yamlStream);
    return jsonValues(kubectl(['annotate', '--local', '-f', 'docs.yaml', '-o', 'json', 'go-yaml-probe=v2'], offlineEnv(), dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The JSON values of a concatenation of JSON texts (kubectl prints one object after the other). */
function jsonValues(text: string): any[] {
  const values: any[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      if (depth++ === 0) start = i;
    } else if (c === '}' || c === ']') {
      if (--depth === 0) values.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return values.flatMap((v) => (v.kind === 'List' ? v.items : [v]));
}

/**
 * The documents of a YAML stream as go-yaml v3 reads them (kustomize/kyaml), re-emitted by kustomize and
 * read from its output by go-yaml v2 (readWithGoYamlV2): `kustomize build` piped into sigs.k8s.io/yaml is
 * exactly what Argo CD does with a kustomization. Documents need unique kind/name pairs (a kustomization
 * refuses duplicates). Kustomize takes time quadratic in the number of documents (3,000 take 40 s):
 * batch cases into a few dozen documents.
 */
export function readWithGoYamlV3(yamlStream: string): any[] {
  const dir = tempDir();
  try {
    fs.writeFileSync(path.join(dir, 'docs.yaml'), yamlStream);
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n- docs.yaml\n');
    return readWithGoYamlV2(kubectl(['kustomize', '.'], offlineEnv(), dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Kubeconfig texts as client-go loads them (`kubectl config view --raw -o json`, sigs.k8s.io/yaml), all
 * in one call through a KUBECONFIG list, merged: cluster, context and user names must be unique across
 * the files.
 */
export function loadKubeconfigs(texts: string[]): { clusters: any[]; contexts: any[]; users: any[] } {
  const dir = tempDir();
  try {
    const files = texts.map((t, i) => {
      const f = path.join(dir, `kubeconfig-${i}`);
      fs.writeFileSync(f, t);
      return f;
    });
    return JSON.parse(kubectl(['config', 'view', '--raw', '-o', 'json'], offlineEnv(files.join(path.delimiter))));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
