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

/** Characters of a value shown in a problem; longer values are cut and marked "(truncated)". */
export const MAX_SHOWN_VALUE = 200;

/**
 * JSON-like text of a value, at most `budget` characters (plus a marker): a value from a hostile file may
 * be huge, deeply nested or (built through the API) cyclic, and JSON.stringify of it would exhaust memory
 * or throw.
 */
function boundedJson(v: unknown, budget: number, seen: Set<unknown>): string {
  if (typeof v === 'string') return JSON.stringify(v.length > budget ? v.slice(0, budget) : v);
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'object') return String(v);
  if (seen.has(v)) return '[circular]';
  seen.add(v);
  const array = Array.isArray(v);
  const parts: string[] = [];
  let used = 2;
  const entries = array ? (v as unknown[]).keys() : Object.keys(v as object)[Symbol.iterator]();
  for (const k of entries) {
    if (used >= budget) {
      parts.push('…');
      break;
    }
    const item = boundedJson((v as any)[k], budget - used, seen);
    const part = array ? item : `${JSON.stringify(String(k))}:${item}`;
    parts.push(part);
    used += part.length + 1;
  }
  seen.delete(v);
  return array ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

/** A value as shown in a problem: JSON, cut at MAX_SHOWN_VALUE characters with "(truncated)". */
export function showValue(v: unknown): string {
  const text = boundedJson(v, MAX_SHOWN_VALUE + 1, new Set());
  return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE)}… (truncated)` : text;
}

/** Formats one problem as a single readable line. */
export function formatProblem(p: Problem): string {
  // Names come from the file too: shown through showValue, so that a megabyte of name is cut, not printed.
  const where = p.cluster !== undefined ? `cluster ${showValue(p.cluster)}, field ${showValue(p.field)}` : `field ${showValue(p.field)}`;
  const value = p.value === undefined ? '' : ` (got ${showValue(p.value)})`;
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
