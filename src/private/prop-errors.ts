import { Token } from 'aws-cdk-lib';

/**
 * Collects every problem found in a construct's props so that one error can name them all.
 *
 * @internal
 */
export class PropErrors {
  private readonly problems: string[] = [];

  constructor(private readonly constructName: string) {}

  /** Records a problem with `prop` unless `ok` holds. */
  public check(ok: boolean, prop: string, problem: string, fix: string): void {
    if (!ok) {
      this.problems.push(`${prop}: ${problem}. Fix: ${fix}.`);
    }
  }

  /** Records a problem whose validity was computed elsewhere. */
  public add(prop: string, problem: string, fix: string): void {
    this.check(false, prop, problem, fix);
  }

  /** Throws one Error listing every recorded problem, if any. */
  public throwIfAny(): void {
    if (this.problems.length === 0) {
      return;
    }
    const lines = this.problems.map((problem) => `  - ${problem}`).join('\n');
    throw new Error(`Invalid ${this.constructName} props (${this.problems.length} problem(s)):\n${lines}`);
  }
}

/** True when `value` is undefined, a token, or an integer within [min, max]. */
export function isIntegerInRange(value: number | undefined, min: number, max: number = Number.MAX_SAFE_INTEGER): boolean {
  if (value === undefined || Token.isUnresolved(value)) {
    return true;
  }
  return Number.isInteger(value) && value >= min && value <= max;
}
