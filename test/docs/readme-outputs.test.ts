import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DefaultPlatformStack } from '../../examples/default/stack';
import { FullPlatformStack } from '../../examples/full/stack';
import { PrivatePlatformStack } from '../../examples/private/stack';
import { WithUiStack } from '../../examples/with-ui/stack';
import * as library from '../../src';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/**
 * Every output name the README gives: the backticked `Metaflow...` names that are not a class or type of
 * the library (nor the stack class of the quick start), and what the scripts look up by `OutputKey`.
 */
function outputNamesInReadme(): string[] {
  const exported = new Set(Object.keys(library));
  const backticked = [...readme.matchAll(/`<?(Metaflow[A-Z][A-Za-z0-9]*)>?`/g)].map((match) => match[1])
    .filter((name) => !exported.has(name) && !/Options$|Props$/.test(name) && name !== 'MetaflowStack');
  const lookedUp = [...readme.matchAll(/OutputKey=='([A-Za-z0-9]+)'|<(Metaflow[A-Za-z0-9]+)>|MetaflowStack\.([A-Za-z0-9]+)/g)]
    .map((match) => match[1] ?? match[2] ?? match[3]);
  return [...new Set([...backticked, ...lookedUp])].sort();
}

function outputIds(stack: Stack): string[] {
  return Object.keys(Template.fromStack(stack).toJSON().Outputs ?? {});
}

describe('the output names the README gives', () => {
  const app = new App();
  const queues = new Stack(app, 'Queues');
  new library.MetaflowPlatform(queues, 'Metaflow', {
    batch: { computeEnvironments: [{ name: 'cpu' }, { name: 'gpu-spot', kind: library.ComputeEnvironmentKind.EC2_SPOT, gpu: true }] },
  });
  const stacks = [
    new DefaultPlatformStack(app, 'Default'), new FullPlatformStack(app, 'Full'), new PrivatePlatformStack(app, 'Private'),
    new WithUiStack(app, 'WithUi'), queues,
  ];
  const synthesized = new Set(stacks.flatMap(outputIds));
  const named = outputNamesInReadme();

  test('are at least the ones a user looks up', () => {
    expect(named).toEqual(expect.arrayContaining([
      'MetaflowConfigureCommand', 'MetaflowConfigSecretArn', 'MetaflowConfigJson', 'MetaflowUserPolicyArn', 'MetaflowUserRoleArn',
      'MetaflowNotebookUrl', 'MetaflowUiUserPoolId', 'MetaflowSharedFileSystemId', 'MetaflowStepSecretsPrefix', 'MetaflowImageRepositoryUri',
      'MetaflowServiceUrl', 'MetaflowJobQueueCpu', 'MetaflowJobQueueGpuSpot',
    ]));
  });

  test.each(named)('%s is an output of a synthesized platform', (name) => {
    expect(synthesized).toContain(name);
  });

  test('two platforms in one stack keep apart', () => {
    const stack = new Stack(new App(), 'Two');
    new library.MetaflowPlatform(stack, 'Metaflow');
    new library.MetaflowPlatform(stack, 'Sandbox');
    const ids = outputIds(stack);
    expect(ids).toEqual(expect.arrayContaining(['MetaflowUserPolicyArn', 'SandboxUserPolicyArn', 'MetaflowServiceUrl', 'SandboxServiceUrl']));
  });
});
