import { PropErrors } from './prop-errors';

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;
/** Props whose keys are the user's own names (tags, environment variables), never prop names. */
const FREE_FORM_MAPS = new Set(['tags', 'environment']);

/**
 * Records every snake_case key in plain objects under `props`. Python users who pass a dict where a
 * struct is expected (`{"max_vcpus": 96}` instead of `MetaflowComputeEnvironmentOptions(max_vcpus=96)`)
 * reach JavaScript with the keys as written, and JavaScript would silently ignore them.
 */
export function checkNoSnakeCaseKeys(props: unknown, errors: PropErrors): void {
  if (Array.isArray(props)) {
    props.forEach((item, index) => checkNoSnakeCaseKeys(item, errors.at(`[${index}]`)));
    return;
  }
  if (!isPlainObject(props)) {
    return;
  }
  for (const [key, value] of Object.entries(props)) {
    if (SNAKE_CASE.test(key)) {
      const camelCase = key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
      errors.add(key, `is not a prop (the prop is ${camelCase}); a Python dict passed where a struct is expected keeps its snake_case keys`,
        'pass the struct class with keyword arguments, e.g. MetaflowComputeEnvironmentOptions(max_vcpus=96), or write the dict with camelCase keys');
    } else if (!FREE_FORM_MAPS.has(key)) {
      checkNoSnakeCaseKeys(value, errors.at(key));
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
