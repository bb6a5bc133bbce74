import { Token } from 'aws-cdk-lib';
import { callerIsPython, pythonPath, pythonProse } from './caller-language';

interface Problem {
  readonly prop: string;
  readonly problem: string;
  readonly fix: string;
}

/**
 * Collects every problem found in a construct's props so that one error can name them all.
 * `at('network')` gives a view that records into the same list with prop names prefixed
 * (`network.natGateways`), so a composite construct reports its parts' problems in one message.
 *
 * @internal
 */
export class PropErrors {
  /** A new, empty collection for `constructName`'s props. */
  public static for(constructName: string): PropErrors {
    return new PropErrors(constructName, '', []);
  }

  private constructor(
    private readonly constructName: string,
    private readonly path: string,
    private readonly problems: Problem[],
  ) {}

  /** A view that records into this collection with every prop name under `prefix`. */
  public at(prefix: string): PropErrors {
    return new PropErrors(this.constructName, this.qualify(prefix), this.problems);
  }

  /** Records a problem with `prop` unless `ok` holds. */
  public check(ok: boolean, prop: string, problem: string, fix: string): void {
    if (!ok) {
      this.problems.push({ prop: this.qualify(prop), problem, fix });
    }
  }

  /** Records a problem whose validity was computed elsewhere. */
  public add(prop: string, problem: string, fix: string): void {
    this.check(false, prop, problem, fix);
  }

  /** Throws one Error listing every recorded problem, if any, in the caller's language (TypeScript or Python). */
  public throwIfAny(): void {
    if (this.problems.length === 0) {
      return;
    }
    const python = callerIsPython();
    const lines = this.problems.map(({ prop, problem, fix }) => (python
      ? `  - ${pythonPath(prop)}: ${pythonProse(problem)}. Fix: ${pythonProse(fix)}.`
      : `  - ${prop}: ${problem}. Fix: ${fix}.`)).join('\n');
    const error = new Error(`Invalid ${this.constructName} props (${this.problems.length} problem(s)):\n${lines}`);
    if (python) {
      // jsii's Python runtime raises the RuntimeError (the message) from a JavaScriptError that prints this stack
      // (jsii/_kernel/providers/process.py): without this line, the problems print twice, with Node.js frames between.
      error.stack = `${this.constructName} refused its props: the RuntimeError below lists every problem`;
    }
    throw error;
  }

  private qualify(prop: string): string {
    if (!this.path || !prop) {
      return this.path || prop;
    }
    return prop.startsWith('[') ? `${this.path}${prop}` : `${this.path}.${prop}`;
  }
}

/** Validates `props` into `errors`, then throws if anything was found: a part's constructor calls this. */
export function validateOrThrow<T>(constructName: string, props: T, validate: (props: T, errors: PropErrors) => void): void {
  const errors = PropErrors.for(constructName);
  validate(props, errors);
  errors.throwIfAny();
}

/** True when `value` is undefined, a token, or an integer within [min, max]. */
export function isIntegerInRange(value: number | undefined, min: number, max: number = Number.MAX_SAFE_INTEGER): boolean {
  if (value === undefined || Token.isUnresolved(value)) {
    return true;
  }
  return Number.isInteger(value) && value >= min && value <= max;
}

/** A value as an error shows it: a string in quotes with its type, so that `'96'` reads apart from 96. */
export function shown(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}' (a string)`;
  }
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return `${JSON.stringify(value)} (${Array.isArray(value) ? 'an array' : typeof value})`;
}
