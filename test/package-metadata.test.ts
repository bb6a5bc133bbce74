import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

/*
 * Construct Hub lists a package from its package.json: these fields decide whether it shows up under
 * the AWS CDK, in search for Metaflow, and with Python install instructions.
 */
const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8'));

test('describes the library in one sentence that names Metaflow', () => {
  expect(pkg.description).toMatch(/Metaflow/);
  expect(pkg.description.length).toBeGreaterThan(40);
});

test('has the keywords Construct Hub and npm search use', () => {
  expect(pkg.keywords).toEqual(expect.arrayContaining(['awscdk', 'cdk', 'metaflow']));
});

test('names its repository, license, author and stability', () => {
  expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^https:\/\/github\.com\/.+\.git$/) });
  expect(pkg.license).toBe('Apache-2.0');
  expect(pkg.author.name).toBeTruthy();
  expect(pkg.stability).toBe('experimental');
});

test('is a jsii library for Python too, under the names DESIGN.md reserves', () => {
  expect(pkg.name).toBe('cdk-metaflow-platform');
  expect(pkg.jsii.targets.python).toEqual({ distName: 'cdk-metaflow-platform', module: 'cdk_metaflow_platform' });
});

test('needs a maintained Node.js LTS and any aws-cdk-lib 2 from the tested version', () => {
  expect(pkg.engines.node).toBe('>= 22.0.0');
  expect(pkg.peerDependencies['aws-cdk-lib']).toBe('^2.257.0');
  expect(pkg.peerDependencies.constructs).toMatch(/^\^10\./);
});

test('every GitHub action of the build and release workflows is pinned to a commit, not a tag that can move', () => {
  const workflows = join(__dirname, '..', '.github', 'workflows');
  const uses = readdirSync(workflows).flatMap((file) => [...readFileSync(join(workflows, file), 'utf8').matchAll(/uses: (\S+)/g)].map((match) => match[1]));
  expect(uses.length).toBeGreaterThan(10);
  expect(uses.filter((action) => !/@[0-9a-f]{40}$/.test(action))).toEqual([]);
});
