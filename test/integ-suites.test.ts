import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

/*
 * Reads the committed integ snapshots (what `npx projen integ` verifies against fresh synthesis) and
 * checks what a real run depends on: the stacks are removable, and each suite asserts what it promises.
 */
const testDir = __dirname;
const suites = readdirSync(testDir).filter((name) => /^integ\..+\.ts\.snapshot$/.test(name));
const templatesOf = (suite: string) => readdirSync(join(testDir, suite))
  .filter((name) => name.endsWith('.template.json'))
  .map((name) => ({ name, template: JSON.parse(readFileSync(join(testDir, suite, name), 'utf8')) }));
const resourcesOf = (suite: string) => templatesOf(suite).flatMap(({ template }) => Object.entries(template.Resources ?? {}) as Array<[string, any]>);
const assertionsOf = (suite: string) => JSON.stringify(templatesOf(suite).filter(({ name }) => name.includes('DeployAssert')).map(({ template }) => template));

test('there are at least four suites', () => {
  expect(suites.map((suite) => suite.replace(/^integ\.|\.ts\.snapshot$/g, '')).sort()).toEqual(['bring-your-own', 'default', 'full', 'private']);
});

describe.each(suites)('%s', (suite) => {
  test('retains nothing but the account-wide API Gateway logging role', () => {
    const retained = resourcesOf(suite)
      .filter(([, resource]) => ['Retain', 'RetainExceptOnCreate', 'Snapshot'].includes(resource.DeletionPolicy))
      .map(([, resource]) => resource.Type);
    expect(retained.filter((type) => !['AWS::IAM::Role', 'AWS::ApiGateway::Account'].includes(type))).toEqual([]);
    expect(retained.filter((type) => type === 'AWS::IAM::Role').length).toBeLessThanOrEqual(1);
  });

  test('no database keeps deletion protection and every bucket it creates is emptied on delete', () => {
    const resources = resourcesOf(suite);
    for (const [, database] of resources.filter(([, resource]) => resource.Type === 'AWS::RDS::DBInstance')) {
      expect(database.Properties.DeletionProtection).toBe(false);
    }
    const buckets = resources.filter(([, resource]) => resource.Type === 'AWS::S3::Bucket').length;
    expect(resources.filter(([, resource]) => resource.Type === 'Custom::S3AutoDeleteObjects').length).toBe(buckets);
  });

  test('runs the flow on Batch and waits until the job has succeeded', () => {
    const assertions = assertionsOf(suite);
    expect(assertions).toContain('"service":"Batch","api":"submitJob"');
    expect(assertions).toContain('SUCCEEDED');
  });
});

test.each(['default', 'bring-your-own', 'full'])('%s pings the API with and without key and reads the runs back', (name) => {
  const assertions = assertionsOf(`integ.${name}.ts.snapshot`);
  expect(assertions).toContain('x-api-key');
  expect(assertions).toContain('pong');
  expect(assertions).toContain('403');
  expect(assertions).toContain('flows/PlatformCheckFlow/runs');
});

test('full runs a job on the Spot, GPU and Fargate queues and checks the UI targets', () => {
  const assertions = assertionsOf('integ.full.ts.snapshot');
  for (const job of ['metaflow-integ-Echospot', 'metaflow-integ-Echogpu', 'metaflow-integ-Echofargate']) {
    expect(assertions).toContain(job);
  }
  expect(assertions).toContain('describeTargetHealth');
});
