import { MeshValidationError, Problem } from '../problem';

/** Where the output directory came from, for messages. */
export interface OutdirSource {
  /** The setting that named it, e.g. `CDK8S_OUTDIR` (the synth app) or `outdir` (synthesizeMesh). */
  readonly field: string;
  /** The value as the user wrote it. */
  readonly value: string;
}

/** Thrown when the output directory is refused or cannot be written; nothing was replaced. */
export class OutputDirectoryError extends MeshValidationError {
  constructor(problems: Problem[]) {
    super(problems, 'the output directory');
    this.name = 'OutputDirectoryError';
  }
}

/** A problem with the output directory. */
export function outdirProblem(source: OutdirSource, message: string, fix: string): OutputDirectoryError {
  return new OutputDirectoryError([{ field: source.field, value: source.value, message, fix }]);
}

/** What an errno means and what to do about it, for the codes a synth can meet. */
const EXPLAINED: Record<string, { what: string; fix: (dir: string) => string }> = {
  EACCES: { what: 'permission denied', fix: (d) => `give the user running synth write permission on ${d} (check with ls -ld), or choose another output directory` },
  EPERM: { what: 'operation not permitted (an immutable or protected file, or a permission the file system refuses)', fix: (d) => `check the permissions and attributes of ${d} (ls -ld, lsattr -d), or choose another output directory` },
  ENOSPC: { what: 'no space left on the device', fix: (d) => `free space on the file system holding ${d} (df -h), or choose an output directory on another file system` },
  EDQUOT: { what: 'the disk quota is exhausted', fix: (d) => `free space within your quota on the file system holding ${d} (quota -s), or choose another output directory` },
  EROFS: { what: 'the file system is read-only', fix: () => 'choose an output directory on a writable file system (or remount it read-write)' },
  ENOTDIR: { what: 'a part of the path is a file, not a directory', fix: () => 'rename or remove that file, or choose another output directory' },
  EISDIR: { what: 'a directory is where a file must go', fix: () => 'remove that directory, or choose another output directory' },
  ENOENT: { what: 'a directory of the path disappeared while synth was running', fix: () => 'do not move or delete the output directory (or its parent) during a synth; run synth again' },
  ENAMETOOLONG: { what: 'the path is longer than the file system allows', fix: () => 'choose a shorter output directory path' },
  ELOOP: { what: 'too many symbolic links (a link loop)', fix: () => 'fix the symbolic links of the output directory path' },
  EMFILE: { what: 'too many open files in this process', fix: () => 'raise the open-files limit (ulimit -n) and run synth again' },
  ENFILE: { what: 'too many open files on the system', fix: () => 'close other programs or raise the system limit, and run synth again' },
  EBUSY: { what: 'the directory is busy (a mount point, or in use by another program)', fix: (d) => `synth replaces ${d} by renaming it, which a mount point cannot be: choose a directory inside the mount as output directory` },
  EXDEV: { what: 'the output directory is on another file system than its parent (a mount point)', fix: (d) => `synth replaces ${d} by renaming it, which needs one file system: choose a directory inside the mount as output directory` },
  EIO: { what: 'an input/output error of the device', fix: () => 'check the disk (dmesg), or choose an output directory on another device' },
  ENOTEMPTY: { what: 'a directory that must be empty is not', fix: () => 'another program is writing beside the output directory: stop it and run synth again' },
  EEXIST: { what: 'something already exists where synth must create a file or directory', fix: () => 'another program may be writing beside the output directory: stop it and run synth again; report a bug if the path is inside the staging tree' },
};

/**
 * Whether `e` is a Node.js system error (from fs). By shape, not `instanceof Error`: errors made by Node's
 * core come from another realm than the caller's when it runs in a VM context (as under jest).
 */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof e === 'object' && e !== null && typeof code === 'string' && /^E[A-Z]+$/.test(code) && typeof (e as Error).message === 'string';
}

/**
 * Turns a file-system error met while `doing` something with the output directory `dir` into a readable
 * problem: the path, what happened in words, and the fix (the errno code stays, in parentheses, for search).
 */
export function fileSystemProblem(e: NodeJS.ErrnoException, source: OutdirSource, doing: string, dir: string, file?: string): OutputDirectoryError {
  const code = e.code ?? 'UNKNOWN';
  const explained = EXPLAINED[code];
  // A failed write(2) (ENOSPC, EIO...) carries no path: the file being written, when known.
  const where = e.path ?? file ?? dir;
  const dest = (e as { dest?: string }).dest;
  const what = explained?.what ?? (e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*$/, '') || 'an unexpected error');
  return outdirProblem(source,
    `${doing} failed at ${where}${dest ? ` (to ${dest})` : ''}: ${what} (${code}); the output directory was left as it was`,
    explained ? explained.fix(dir) : `fix the cause at ${where}, or choose another output directory, and run synth again`);
}

/** Runs `fn` (which works on `file`, if given); a file-system error becomes a fileSystemProblem (other errors pass through). */
export function translatingFsErrors<T>(source: OutdirSource, doing: string, dir: string, fn: () => T, file?: string): T {
  try {
    return fn();
  } catch (e) {
    if (isSystemError(e)) throw fileSystemProblem(e, source, doing, dir, file);
    throw e;
  }
}
