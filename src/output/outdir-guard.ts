import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { addedToMarkedOutput, MARKER_FILE, ownershipOf, unexpectedEntries } from './output-marker';
import { OutdirSource, outdirProblem, translatingFsErrors } from './output-problem';

/** The directory a synth actually replaces. */
export interface ResolvedOutdir {
  /** Absolute real path (symbolic links resolved) of the directory that is replaced. */
  readonly target: string;
  /** The symbolic link the user named, when the output directory is one (it stays a link; its target is replaced). */
  readonly link?: string;
}

/** The root of this package (the nearest directory above this file holding package.json). */
function packageRoot(): string | undefined {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The real path of `p`, resolving the existing part and appending the rest (which does not exist yet). */
function realPathOfMaybeMissing(p: string): string {
  const missing: string[] = [];
  let existing = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...missing.reverse());
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      const up = path.dirname(existing);
      if (up === existing) throw e;
      missing.push(path.basename(existing));
      existing = up;
    }
  }
}

function realPathOr(p: string | undefined): string | undefined {
  if (!p) return undefined;
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

const isInside = (parent: string, child: string) => child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

/**
 * Resolves the output directory the user named. A symbolic link is followed on purpose (a `dist` linked
 * to another volume stays a link, and the tree is written beside the link's final target and swapped
 * there); a dangling link is followed too, provided the directory it would live in exists.
 */
export function resolveOutdir(source: OutdirSource): ResolvedOutdir {
  return translatingFsErrors(source, 'resolving the output directory', source.value, () => {
    const named = path.resolve(source.value);
    let p = named;
    let hops = 0;
    for (;;) {
      let st: fs.Stats;
      try {
        st = fs.lstatSync(p);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
        throw e;
      }
      if (!st.isSymbolicLink()) break;
      if (++hops > 40) throw Object.assign(new Error('ELOOP'), { code: 'ELOOP', path: named });
      p = path.resolve(path.dirname(p), fs.readlinkSync(p));
    }
    if (hops > 0 && !fs.existsSync(path.dirname(p))) {
      throw outdirProblem(source, `is a symbolic link to ${p}, whose directory ${path.dirname(p)} does not exist`,
        `create ${path.dirname(p)}, or point the link at an existing place, or remove the link`);
    }
    const target = realPathOfMaybeMissing(p);
    return hops > 0 ? { target, link: named } : { target };
  });
}

/**
 * Why synth must not own `target` because of where it is (undefined when it may): the file-system root,
 * the home directory or a parent of it, the working directory or a parent of it, this package's directory
 * or a parent of it. Replacing any of these would delete far more than an output.
 */
export function forbiddenLocation(target: string, cwd = process.cwd(), home = os.homedir()): string | undefined {
  if (path.parse(target).root === target) return 'the root of the file system';
  const places: [string | undefined, string][] = [
    [realPathOr(cwd), 'the current working directory'],
    [realPathOr(home), 'your home directory'],
    [realPathOr(packageRoot()), 'the project directory of cdk8s-istio-multicluster'],
  ];
  for (const [place, name] of places) {
    if (place === undefined) continue;
    if (target === place) return name;
    if (isInside(target, place)) return `a parent of ${name} (${place})`;
  }
  return undefined;
}

const DEDICATED = 'a dedicated output directory: a new or empty one, or one synth wrote before';

/** Refuses an output directory in a forbidden place (see forbiddenLocation). Touches nothing. */
export function checkOutdirLocation(source: OutdirSource, resolved: ResolvedOutdir): void {
  const why = forbiddenLocation(resolved.target);
  if (why === undefined) return;
  const via = resolved.link ? ` (through the symbolic link ${resolved.link})` : '';
  throw outdirProblem(source,
    `${resolved.target}${via} is ${why}; synth replaces its output directory as a whole, which would delete everything in it`,
    `set ${source.field} to ${DEDICATED}, e.g. dist`);
}

/**
 * Refuses what synth did not write: a file (or anything else that is not a directory), or a non-empty
 * directory without our marker that is not an output of an earlier version either. Run under the lock,
 * after stranded trees were recovered.
 */
export function checkOutdirContent(source: OutdirSource, resolved: ResolvedOutdir): void {
  const { target } = resolved;
  const st = translatingFsErrors(source, 'inspecting the output directory', target, () => {
    try {
      return fs.lstatSync(target);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  });
  if (st === undefined) return;
  const shown = resolved.link ? `${target} (the target of the symbolic link ${resolved.link})` : target;
  if (!st.isDirectory()) {
    throw outdirProblem(source, `${shown} is a file, not a directory; synth would replace it`,
      `rename or remove the file, or set ${source.field} to ${DEDICATED}`);
  }
  const ownership = ownershipOf(target);
  if (ownership === 'complete' || ownership === 'incomplete') {
    const added = addedToMarkedOutput(target);
    if (added.length === 0) return;
    throw outdirProblem(source,
      `${shown} is an output of synth, but ${added.slice(0, 5).join(', ')}${added.length > 5 ? `, ... (${added.length})` : ''} at its top level`
        + ` did not come from synth; synth replaces its output directory as a whole and would delete ${added.length === 1 ? 'it' : 'them'}`,
      `move ${added.length === 1 ? 'it' : 'them'} out of ${target} (keep your files, and the topology, outside the output directory), then run synth again`);
  }
  if (ownership !== 'foreign') return;
  const entries = fs.readdirSync(target).sort();
  const added = unexpectedEntries(target);
  const notes = [...(entries.length > 5 ? [`${entries.length} entries`] : []), ...(added.length > 0 ? [`not from synth: ${added.slice(0, 5).join(', ')}`] : [])];
  const listed = entries.slice(0, 5).join(', ') + (entries.length > 5 ? ', ...' : '') + (notes.length > 0 ? ` (${notes.join('; ')})` : '');
  throw outdirProblem(source,
    `${shown} is a non-empty directory that synth did not write (no ${MARKER_FILE} marker, and not the layout of an`
      + ` output of an earlier version); synth replaces its output directory as a whole and would delete ${listed}`,
    `set ${source.field} to ${DEDICATED}; if ${target} is an old output of cdk8s-istio-multicluster that you changed by`
      + ` hand, delete it (rm -r ${target}) and run synth again`);
}
