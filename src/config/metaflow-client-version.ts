/**
 * The oldest Metaflow client the platform's configuration works with: `METAFLOW_BATCH_DEFAULT_TAGS` is read from
 * 2.18.1 (Netflix/metaflow 6c7766a, "Batch tags") and `step-functions create --compress-state-machine` exists from
 * 2.18.3 (Netflix/metaflow 8ad3c05).
 */
export const MIN_METAFLOW_CLIENT_VERSION = '2.18.3';

/** The pip requirement the platform installs Metaflow with, where it installs it (the notebook). */
export const METAFLOW_REQUIREMENT = `metaflow>=${MIN_METAFLOW_CLIENT_VERSION}`;

/** The version a requirement such as `metaflow==2.17.0` pins, if it pins one. */
export function pinnedMetaflowVersion(requirement: string): string | undefined {
  return /^\s*metaflow\s*==\s*(\d+(?:\.\d+)*)\s*$/.exec(requirement)?.[1];
}

/** True when `version` is older than the oldest client the platform works with. */
export function isOlderThanMinimum(version: string): boolean {
  const [a, b] = [version, MIN_METAFLOW_CLIENT_VERSION].map((value) => value.split('.').map(Number));
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) {
      return difference < 0;
    }
  }
  return false;
}
