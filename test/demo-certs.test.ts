import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The project root: the nearest directory with package.json above this file (or else above the cwd). */
function findRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    let dir = start;
    for (;;) {
      if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'scripts', 'demo-certs.js'))) return dir;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`cannot find the project root (package.json with scripts/demo-certs.js) above ${__dirname} or ${process.cwd()}`);
}

const SCRIPT = path.join(findRoot(), 'scripts', 'demo-certs.js');
const CLUSTER_FILES = ['ca-cert.pem', 'ca-key.pem', 'root-cert.pem', 'cert-chain.pem'];

/** Fails (never skips) when openssl is missing: the script and these checks need it. */
function requireOpenssl(): void {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`openssl is required by scripts/demo-certs.js and by this test but "openssl version" failed (${r.error ? r.error.message : r.stderr}): install OpenSSL`);
  }
}

function openssl(args: string[]): SpawnSyncReturns<string> {
  return spawnSync('openssl', args, { encoding: 'utf8' });
}

/** Runs the script with 2048-bit keys (4096 is the default, but slow) and no MESH_TOPOLOGY. */
function runScript(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  const base: NodeJS.ProcessEnv = { ...process.env, DEMO_CERTS_KEY_BITS: '2048' };
  delete base.MESH_TOPOLOGY;
  delete base.OPENSSL;
  return spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', env: { ...base, ...env } });
}

function countCerts(pem: string): number {
  return (pem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
}

describe('scripts/demo-certs.js', () => {
  let tmp: string;
  let out: string;
  let first: SpawnSyncReturns<string>;

  beforeAll(() => {
    requireOpenssl();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-certs-test-'));
    out = path.join(tmp, 'certs');
    first = runScript(['--out', out, 'cluster1', 'cluster2']);
  });

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('exits 0 and prints the loud warning to stderr and the load commands to stdout', () => {
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(first.stderr).toContain('WARNING: DEMO CERTIFICATES');
    expect(first.stderr).toContain(out);
    expect(first.stderr).toMatch(/never commit/i);
    expect(first.stderr).toMatch(/production/i);
    expect(first.stderr).toMatch(/External Secrets/);
    expect(first.stdout).not.toContain('WARNING: DEMO CERTIFICATES');
    for (const c of ['cluster1', 'cluster2']) {
      expect(first.stdout).toContain('create secret generic cacerts -n istio-system');
      for (const f of CLUSTER_FILES) expect(first.stdout).toMatch(new RegExp(`--from-file=\\S*${c}/${f.replace('.', '\\.')}`));
      expect(first.stdout).toContain(`istio/mesh1/cacerts/${c}`);
    }
    expect(first.stdout).toContain('ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem');
  });

  test('writes Istio\'s layout, with private keys readable by the owner only', () => {
    const expected = ['root-cert.pem', 'root-key.pem', ...['cluster1', 'cluster2'].flatMap((c) => CLUSTER_FILES.map((f) => path.join(c, f)))];
    for (const f of expected) expect(fs.existsSync(path.join(out, f)) ? f : `missing ${f}`).toBe(f);
    // No leftovers (CSRs, configs, serial files, staging directories) next to the keys.
    expect(fs.readdirSync(out).sort()).toEqual(['cluster1', 'cluster2', 'root-cert.pem', 'root-key.pem']);
    for (const c of ['cluster1', 'cluster2']) expect(fs.readdirSync(path.join(out, c)).sort()).toEqual([...CLUSTER_FILES].sort());
    for (const key of ['root-key.pem', 'cluster1/ca-key.pem', 'cluster2/ca-key.pem']) {
      expect({ key, mode: (fs.statSync(path.join(out, key)).mode & 0o777).toString(8) }).toEqual({ key, mode: '600' });
    }
  });

  test.each(['cluster1', 'cluster2'])('%s: the intermediate CA chains to the shared root', (c) => {
    const dir = path.join(out, c);
    const verify = openssl(['verify', '-CAfile', path.join(dir, 'root-cert.pem'), path.join(dir, 'ca-cert.pem')]);
    expect({ status: verify.status, stdout: verify.stdout.trim(), stderr: verify.stderr }).toEqual({ status: 0, stdout: `${path.join(dir, 'ca-cert.pem')}: OK`, stderr: '' });

    const root = fs.readFileSync(path.join(out, 'root-cert.pem'));
    expect(fs.readFileSync(path.join(dir, 'root-cert.pem')).equals(root)).toBe(true);

    const chain = fs.readFileSync(path.join(dir, 'cert-chain.pem'), 'utf8');
    expect(countCerts(chain)).toBe(2);
    expect(chain).toBe(fs.readFileSync(path.join(dir, 'ca-cert.pem'), 'utf8') + root.toString('utf8'));
  });

  test('the intermediate follows Istio\'s Makefile: CA:TRUE, key usages, SAN, O/CN/L', () => {
    const text = openssl(['x509', '-noout', '-text', '-in', path.join(out, 'cluster1', 'ca-cert.pem')]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(text.stdout).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation, Key Encipherment, Certificate Sign/);
    expect(text.stdout).toContain('DNS:istiod.istio-system.svc');
    expect(text.stdout).toMatch(/Subject: O = Istio, CN = Intermediate CA, L = cluster1/);
    expect(text.stdout).toMatch(/Issuer: O = Istio, CN = Root CA/);

    const root = openssl(['x509', '-noout', '-text', '-in', path.join(out, 'root-cert.pem')]);
    expect(root.stdout).toMatch(/Subject: O = Istio, CN = Root CA/);
    expect(root.stdout).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
  });

  test('a second run adding cluster3 keeps the root (and the existing intermediates)', () => {
    const rootBefore = fs.readFileSync(path.join(out, 'root-cert.pem'));
    const rootKeyBefore = fs.readFileSync(path.join(out, 'root-key.pem'));
    const c1Before = fs.readFileSync(path.join(out, 'cluster1', 'ca-cert.pem'));

    const second = runScript(['--out', out, 'cluster1', 'cluster2', 'cluster3']);
    expect({ status: second.status, stderr: second.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('WARNING: DEMO CERTIFICATES') });

    expect(fs.readFileSync(path.join(out, 'root-cert.pem')).equals(rootBefore)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'root-key.pem')).equals(rootKeyBefore)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'cluster1', 'ca-cert.pem')).equals(c1Before)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'cluster3', 'root-cert.pem')).equals(rootBefore)).toBe(true);
    expect((fs.statSync(path.join(out, 'cluster3', 'ca-key.pem')).mode & 0o777).toString(8)).toBe('600');
    const verify = openssl(['verify', '-CAfile', path.join(out, 'root-cert.pem'), path.join(out, 'cluster3', 'ca-cert.pem')]);
    expect(verify.status).toBe(0);
  });

  test('refuses an output directory under dist/ with exit 2 and writes nothing', () => {
    const distOut = path.join(tmp, 'dist', 'certs');
    const r = runScript(['--out', distOut, 'cluster1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/refusing .*dist/);
    expect(fs.existsSync(path.join(tmp, 'dist'))).toBe(false);
  });

  test('refuses cluster names that are not DNS-1123 labels with exit 2 and writes nothing', () => {
    const badOut = path.join(tmp, 'bad');
    const r = runScript(['--out', badOut, 'Cluster_1']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"Cluster_1"');
    expect(r.stderr).toMatch(/DNS-1123/);
    expect(fs.existsSync(badOut)).toBe(false);
  });

  test('exits non-zero with a clear message when openssl is not on PATH', () => {
    const emptyBin = fs.mkdtempSync(path.join(tmp, 'bin-'));
    const noOut = path.join(tmp, 'no-openssl');
    const r = runScript(['--out', noOut, 'cluster1'], { PATH: emptyBin });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/openssl not found/);
    expect(fs.existsSync(noOut)).toBe(false);
  });
});
