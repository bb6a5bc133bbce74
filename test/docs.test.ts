import { readFileSync } from 'fs';
import { join } from 'path';
import { App, aws_kms as kms, Stack } from 'aws-cdk-lib';
import { idleCostOf, renderIdleCosts, withIdleCosts } from '../scripts/idle-cost';
import { loadAssembly, renderOptionsReference, withReference } from '../scripts/options-reference';

const read = (file: string) => readFileSync(join(__dirname, '..', file), 'utf8');

describe('SECURITY.md', () => {
  const security = read('SECURITY.md');

  test.each([
    ['how to report a vulnerability', '## Reporting a vulnerability'],
    ['what each part exposes', '## What each part exposes'],
    ['where secrets live and who reads them', 'secretsmanager:GetSecretValue'],
    ['that the client copies the key into every Batch job', 'METAFLOW_SERVICE_HEADERS'],
    ['who can read it from jobs', 'batch:DescribeJobs'],
    ['how to rotate the key', 'apiKeyGeneration'],
    ['the instance metadata trade-off', 'instanceMetadataHopLimit'],
    ['the UI login', 'UI\'s login'],
  ])('covers %s', (_topic, text) => {
    expect(security).toContain(text);
  });
});

describe('README', () => {
  const readme = read('README.md');

  test.each([
    ['key rotation', '## Rotating the API key'],
    ['public compute subnets of an adopted VPC', 'MapPublicIpOnLaunch'],
    ['why no SSE setting is emitted', 'METAFLOW_S3_SERVER_SIDE_ENCRYPTION'],
    ['what a 429 does to the client', 'a 429 from throttling fails its call'],
    ['the security model', '[SECURITY.md](SECURITY.md)'],
    ['mounting the shared file system', '@batch(efs_volumes='],
    ['reading secrets in a step', '@secrets(sources='],
    ['what monitoring costs', 'about $4 a month'],
    ['how an upgrade proceeds', 'An upgrade is one `cdk deploy`'],
    ['the known-good release combinations', '| `V2_5_1` (= `LATEST` today) |'],
  ])('explains %s', (_topic, text) => {
    expect(readme).toContain(text);
  });
});

describe('README reference', () => {
  const readme = read('README.md');

  test('the option reference matches the API (run `npx projen docs:options` after changing props)', () => {
    expect(withReference(readme, renderOptionsReference(loadAssembly()))).toEqual(readme);
  });

  test('the idle cost table matches the examples\' templates (run `npx projen docs:costs` after changing what they deploy)', () => {
    expect(withIdleCosts(readme, renderIdleCosts())).toEqual(readme);
  });

  test('the idle cost measurement refuses a resource it has no price for, rather than counting it free', () => {
    const stack = new Stack(new App(), 'Test');
    new kms.Key(stack, 'Key');
    expect(() => idleCostOf(stack)).toThrow(/no idle price for AWS::KMS::Key/);
  });

  test('lists every METAFLOW_* key the platform can output, at least 15', () => {
    const documented = [...readme.matchAll(/^\| `(METAFLOW_[A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    expect(documented.length).toBeGreaterThanOrEqual(15);
    const keysInSource = [...new Set(['src/platform.ts', 'src/config/config.ts']
      .flatMap((file) => [...read(file).matchAll(/config\.add(?:Secret)?\('(METAFLOW_[A-Z0-9_]+)'/g)].map((match) => match[1])))];
    expect(keysInSource.length).toBeGreaterThanOrEqual(15);
    expect(keysInSource.filter((key) => !documented.includes(key))).toEqual([]);
  });

  test('has the architecture diagram, prerequisites, troubleshooting and the parts used alone', () => {
    for (const text of ['```mermaid', '## Prerequisites', 'cdk bootstrap', '## Troubleshooting', '## Using the parts alone',
      'MetaflowConfigureCommand', '## Data retention and clean-up', 'Jobs stay RUNNABLE']) {
      expect(readme).toContain(text);
    }
  });
});

describe('README option mentions', () => {
  test('every `name: value` in the prose names an option of the library (or of aws-cdk-lib where it says so)', () => {
    const assembly = loadAssembly() as any;
    const names = new Set(Object.values(assembly.types as Record<string, any>)
      .flatMap((type) => [...(type.properties ?? []), ...(type.methods ?? [])].map((member: any) => member.name)));
    const fromAwsCdkLib = ['mutable']; // iam.Role.fromRoleArn(..., { mutable: false })
    const prose = read('README.md').replace(/```[\s\S]*?```/g, '');
    const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1])
      .filter((span) => !span.startsWith('tags: ')); // tag keys are the user's
    const unknown = spans.flatMap((span) => [...span.matchAll(/\b([a-z][A-Za-z0-9]*): /g)].map((match) => match[1])
      .filter((name) => !names.has(name) && !fromAwsCdkLib.includes(name)).map((name) => `${name} in \`${span}\``));
    expect(spans.length).toBeGreaterThan(50);
    expect(unknown).toEqual([]);
  });
});

describe('API docs', () => {
  const assembly = loadAssembly() as any;
  const defaults = Object.values(assembly.types as Record<string, any>).flatMap((type) => [
    ...(type.properties ?? []).map((property: any) => [`${type.name}.${property.name}`, property.docs?.default]),
    ...[type.initializer, ...(type.methods ?? [])].filter(Boolean).flatMap((method: any) => (method.parameters ?? [])
      .map((parameter: any) => [`${type.name}#${method.name ?? 'constructor'}.${parameter.name}`, parameter.docs?.default])),
  ]).filter(([, text]) => text);

  test('@default texts name no prop or method in camelCase, which Python readers would not find (unless both spellings are given)', () => {
    const camelCase = /\b[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*\b/g;
    const offending = defaults.filter(([, text]) => (text.replace(/\(\w+ in TypeScript, \w+ in Python\)/g, '').match(camelCase) ?? [])
      .some((name: string) => name !== 'vCPUs'));
    expect(defaults.length).toBeGreaterThan(100);
    expect(offending).toEqual([]);
  });
});
