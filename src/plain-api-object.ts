import { ApiObject, ApiObjectMetadata, GroupVersionKind, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';

/** Props of {@link PlainApiObject}. */
export interface PlainApiObjectProps {
  /** The object's group, version and kind (use the imported L1 class's `GVK`). */
  readonly gvk: GroupVersionKind;
  readonly metadata: ApiObjectMetadata;
  /**
   * Everything but apiVersion, kind and metadata, already as Kubernetes JSON: build it with the
   * generated `toJson_<Kind>Spec()` function of the imported L1 so that it is still type-checked.
   * It must hold plain data (no tokens or `Lazy` values: they are not resolved). It is frozen, and may
   * be shared by many objects (the same remote secret goes to every consuming cluster).
   */
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * An API object whose body is Kubernetes JSON already, for the objects a mesh has by the tens of
 * thousands (remote secrets: N×(N−1) for N primaries). `ApiObject.toJson()` resolves tokens and
 * re-sorts every key of every object on each synth, which costs about 100 µs per object; this class
 * skips that walk for data that has no tokens, and otherwise behaves like any ApiObject (metadata,
 * labels, annotations, `addJsonPatch`), in plain `App.synth()` as in our writer.
 */
export class PlainApiObject extends ApiObject {
  private readonly body: Readonly<Record<string, unknown>>;
  private readonly plainPatches: JsonPatch[] = [];

  constructor(scope: Construct, id: string, props: PlainApiObjectProps) {
    super(scope, id, { ...props.gvk, metadata: props.metadata });
    this.body = deepFreeze(props.body);
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    this.plainPatches.push(...ops);
  }

  /**
   * The manifest. Its top level and metadata are fresh on every call; below that it shares the frozen
   * body, so modifying it throws instead of silently changing other objects (patch with addJsonPatch).
   */
  public toJson(): any {
    const json = { apiVersion: this.apiVersion, kind: this.kind, metadata: this.metadata.toJson(), ...this.body };
    return this.plainPatches.length > 0 ? JsonPatch.apply(cloneJson(json), ...this.plainPatches) : json;
  }
}

/** Freezes plain JSON data and everything in it; returns it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A deep, unfrozen copy of plain JSON data (for JSON patches, which edit in place). */
function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson) as unknown as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = cloneJson((value as Record<string, unknown>)[k]);
  return out as T;
}
