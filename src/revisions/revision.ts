import { ISTIO_VERSION } from '../istio';
import { isDnsLabel, toDnsLabel } from '../names';
import type { Problem } from '../problem';

/**
 * Istio versions a revision may run: those the pinned Sail Operator CRD accepts as `Istio.spec.version`
 * (crds/sail-operator-1.30.3-istios.yaml, enum), i.e. the releases Istio 1.30 supports upgrading from
 * (two minors back, https://istio.io/latest/docs/releases/supported-releases/).
 */
export const SUPPORTED_REVISION_VERSIONS: readonly string[] = [
  ...['0', '1', '2', '3'].map((p) => `1.30.${p}`),
  ...['0', '1', '2', '3', '4', '5', '6'].map((p) => `1.29.${p}`),
  ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].map((p) => `1.28.${p}`),
];

/**
 * Longest revision name: the istiod chart renders Service and Deployment `istiod-<rev>` (a DNS-1123
 * label, 63) and a remote's `istiod-<rev>-remote` variant exists too (istio-discovery templates).
 */
export const MAX_REVISION_NAME = 63 - 'istiod--remote'.length;

/** Longest tag name: the chart renders Service `istiod-revision-tag-<tag>` (templates/revision-tags-svc.yaml). */
export const MAX_TAG_NAME = 63 - 'istiod-revision-tag-'.length;

/** Props of a {@link Revision}. */
export interface RevisionProps {
  /**
   * The Istio version of this control plane (charts `--version`, Sail `spec.version`).
   * @default the pinned ISTIO_VERSION
   */
  readonly version?: string;
}

/**
 * One control-plane revision of the mesh (istiod installed with `revision: <name>` on every primary, and
 * the revisioned remote install on every remote). It becomes part of object names (`istiod-<rev>`) and
 * the `istio.io/rev` label value.
 *
 * @see https://istio.io/latest/docs/setup/upgrade/canary/
 */
export class Revision {
  public readonly version: string;
  constructor(public readonly name: string, props: RevisionProps = {}) {
    this.version = props.version ?? ISTIO_VERSION;
  }

  /** The istiod Service of this revision. */
  public get istiodService(): string {
    return `istiod-${this.name}`;
  }

  /** Problems of the revision's own fields. */
  public problems(field: string): Problem[] {
    const problems: Problem[] = [];
    if (!isDnsLabel(this.name) || this.name.length > MAX_REVISION_NAME || this.name === 'default') {
      problems.push({
        field: `${field}.name`, value: this.name,
        message: this.name === 'default'
          ? 'is reserved: "default" is the unrevisioned control plane and the default tag'
          : `is not a valid revision name: it becomes Service "istiod-<rev>", MutatingWebhookConfiguration "istio-sidecar-injector-<rev>" and the istio.io/rev label value`,
        allowed: `lowercase letters, digits and "-", starting and ending with a letter or digit, at most ${MAX_REVISION_NAME} characters`,
        fix: `rename the revision, e.g. "${toDnsLabel(this.version.replace(/\./g, '-'), '1-30-3', MAX_REVISION_NAME)}"`,
      });
    }
    if (!SUPPORTED_REVISION_VERSIONS.includes(this.version)) {
      problems.push({
        field: `${field}.version`, value: this.version,
        message: 'is not an Istio version this release can install beside Istio ' + ISTIO_VERSION,
        allowed: '1.28.0–1.28.10, 1.29.0–1.29.6, 1.30.0–1.30.3 (the versions of the pinned Sail Operator CRD)',
        fix: `use a released version, e.g. "${ISTIO_VERSION}"`,
      });
    }
    return problems;
  }
}

/**
 * A revision tag: a stable name (`prod-stable`, `prod-canary`) namespaces point at with `istio.io/rev`,
 * moved from one revision to another without relabelling namespaces.
 *
 * @see https://istio.io/latest/docs/setup/upgrade/canary/#stable-revision-labels
 */
export class RevisionTag {
  constructor(public readonly name: string, public readonly revision: string) {}

  /** Problems of the tag's own name. */
  public problems(field: string): Problem[] {
    if (isDnsLabel(this.name) && this.name.length <= MAX_TAG_NAME) return [];
    return [{
      field: `${field}.name`, value: this.name,
      message: 'is not a valid tag name: it becomes Service "istiod-revision-tag-<tag>", MutatingWebhookConfiguration "istio-revision-tag-<tag>" and the istio.io/rev label value',
      allowed: `lowercase letters, digits and "-", starting and ending with a letter or digit, at most ${MAX_TAG_NAME} characters`,
      fix: `rename the tag, e.g. "${toDnsLabel(this.name, 'prod-stable', MAX_TAG_NAME)}"`,
    }];
  }
}
