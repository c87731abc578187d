/**
 * A validation problem found in a mesh model or a topology file.
 *
 * Problems are collected as data and reported together, so a user fixes every mistake in one round
 * instead of one per synth.
 */
export interface Problem {
  /** The cluster the problem belongs to, when it belongs to one. */
  readonly cluster?: string;
  /** The field, as a path in the topology vocabulary (e.g. `podSubnet`, `eastWestGateway.address`). */
  readonly field: string;
  /** The value received (omitted when the field is missing). */
  readonly value?: unknown;
  /** What is wrong. */
  readonly message: string;
  /** What would have been accepted. */
  readonly allowed?: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Formats one problem as a single readable line. */
export function formatProblem(p: Problem): string {
  const where = p.cluster !== undefined ? `cluster "${p.cluster}", field "${p.field}"` : `field "${p.field}"`;
  const value = p.value === undefined ? '' : ` (got ${JSON.stringify(p.value)})`;
  const allowed = p.allowed ? ` Allowed: ${p.allowed}.` : '';
  return `${where}: ${p.message}${value}.${allowed} Fix: ${p.fix}`;
}

/**
 * Thrown when a mesh model or topology file is invalid. `problems` holds every problem found;
 * the message lists them all, one per line.
 */
export class MeshValidationError extends Error {
  public readonly problems: Problem[];

  constructor(problems: Problem[], context = 'the mesh topology') {
    const lines = problems.map((p, i) => `  ${i + 1}. ${formatProblem(p)}`);
    super(`${problems.length} problem(s) in ${context}; nothing was written:\n${lines.join('\n')}`);
    this.name = 'MeshValidationError';
    this.problems = problems;
  }
}

/** Throws a MeshValidationError when `problems` is not empty. */
export function throwIfProblems(problems: Problem[], context?: string): void {
  if (problems.length > 0) {
    throw new MeshValidationError(problems, context);
  }
}
