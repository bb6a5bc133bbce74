/**
 * Renders the library's error messages in the language of the program that calls it. The jsii
 * runtime of a Python program starts this Node.js process with `JSII_AGENT=Python/<version>`
 * (jsii's Python runtime, `jsii/_kernel/providers/process.py`), so a Python user reads
 * `compute_environments[0].max_vcpus` and `internet_facing=False` instead of TypeScript.
 */
export function callerIsPython(): boolean {
  return (process.env.JSII_AGENT ?? '').startsWith('Python/');
}

/** A prop path in Python: `batch.computeEnvironments[0].maxVcpus` is `batch.compute_environments[0].max_vcpus`. */
export function pythonPath(path: string): string {
  return path.replace(/[A-Za-z][A-Za-z0-9]*/g, (name) => snakeCase(name));
}

/**
 * Prose with TypeScript code in it, as Python: camelCase names in snake_case, `name: value` as
 * `name=value`, `f({ a, b: 1 })` as `f(a=..., b=1)`, other object literals as `dict(...)`, `true`,
 * `false` and `undefined` as `True`, `False` and `None`. Quoted text (user values) is left alone.
 */
export function pythonProse(text: string): string {
  return text.split(/('[^']*'|"[^"]*")/).map((part, index) => (index % 2 === 1 ? part : pythonCode(part))).join('');
}

function pythonCode(text: string): string {
  return text
    .replace(/\(\{\s*([^{}]*?)\s*\}\)/g, (_match, members: string) => `(${keywordArguments(members)})`)
    .replace(/\{\s*([^{}]*?)\s*\}/g, (_match, members: string) => `dict(${keywordArguments(members)})`)
    .replace(/\b([a-z][A-Za-z0-9]*): (?=true\b|false\b|undefined\b|-?\d|\[|[A-Z]|dict\(|`)/g, '$1=')
    .replace(/\bnew (?=[A-Z])/g, '')
    .replace(/\btrue\b/g, 'True').replace(/\bfalse\b/g, 'False').replace(/\bundefined\b/g, 'None')
    .replace(/\b[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*\b/g, (name) => snakeCase(name));
}

function keywordArguments(members: string): string {
  return members.split(',').map((member) => member.trim()).filter(Boolean)
    .map((member) => (member.includes(':') ? member.replace(/^([A-Za-z0-9]+):\s*/, '$1=') : `${member}=...`)).join(', ');
}

/** jsii's Python names (codemaker `toSnakeCase`): KiB, MiB and GiB count as one word (`memoryLimitMiB` is `memory_limit_mib`). */
function snakeCase(name: string): string {
  if (!/^[a-z]/.test(name)) {
    return name;
  }
  return name.replace(/(KiB|MiB|GiB)(?![a-z])/g, (unit) => unit[0] + unit.slice(1).toLowerCase()).replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}
