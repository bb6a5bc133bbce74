import { App, aws_iam as iam, aws_kms as kms, aws_secretsmanager as secretsmanager, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MetaflowPlatform, MetaflowPlatformProps, StepSecrets } from '../../src';

function build(props: MetaflowPlatformProps = {}) {
  const stack = new Stack(new App(), 'Team');
  const platform = new MetaflowPlatform(stack, 'Metaflow', props);
  return { stack, platform, template: Template.fromStack(stack) };
}

const secretReaders = (template: Template, stack: Stack) => [
  ...Object.values(template.findResources('AWS::IAM::Policy')).map((policy) => ({ owner: policy.Properties.Roles, document: policy.Properties.PolicyDocument })),
  ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map((policy) => ({ owner: 'users', document: policy.Properties.PolicyDocument })),
].flatMap(({ owner, document }) => document.Statement
  .filter((statement: any) => [statement.Action].flat().includes('secretsmanager:GetSecretValue'))
  .map((statement: any) => ({ owner: JSON.stringify(stack.resolve(owner)), resource: JSON.stringify(statement.Resource) })));

describe('secrets for steps, on by default', () => {
  const { stack, platform, template } = build();

  test('the configuration names the Secrets Manager backend and the region', () => {
    expect(platform.config.valueOf('METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE')).toBe('aws-secrets-manager');
    expect(stack.resolve(platform.config.valueOf('METAFLOW_AWS_SECRETS_MANAGER_DEFAULT_REGION'))).toEqual({ Ref: 'AWS::Region' });
  });

  test('the job role and the user policy read secrets under metaflow/<stack name>/ only', () => {
    expect(platform.secretsNamePrefix).toBe('metaflow/Team/');
    const readers = secretReaders(template, stack).filter(({ resource }) => resource.includes(':secret:metaflow/Team/*'));
    const jobRole = JSON.stringify([stack.resolve((platform.batch.jobRole as iam.Role).roleName)]);
    expect(readers.map(({ owner }) => owner).sort()).toEqual([jobRole, '"users"'].sort());
  });

  test('the job role reads no other secret', () => {
    const jobRole = JSON.stringify([stack.resolve((platform.batch.jobRole as iam.Role).roleName)]);
    const jobRoleSecrets = secretReaders(template, stack).filter(({ owner }) => owner === jobRole).map(({ resource }) => resource);
    expect(jobRoleSecrets).toHaveLength(1);
    expect(jobRoleSecrets[0]).toContain(':secret:metaflow/Team/*');
  });

  test('the prefix is a stack output', () => {
    expect(Object.keys(template.findOutputs('*', { Value: 'metaflow/Team/' }))).toEqual([expect.stringMatching(/^MetaflowStepSecretsPrefix/)]);
  });
});

describe('secrets options', () => {
  test('a customer key is decryptable through Secrets Manager only', () => {
    const stack = new Stack(new App(), 'Team');
    const encryptionKey = new kms.Key(stack, 'Key');
    new MetaflowPlatform(stack, 'Metaflow', { secrets: StepSecrets.awsSecretsManager({ namePrefix: 'ml/vision/', encryptionKey }) });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'secretsmanager:GetSecretValue', Resource: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':secret:ml/vision/*'])] }) }),
          Match.objectLike({
            Action: 'kms:Decrypt',
            Resource: stack.resolve(encryptionKey.keyArn),
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
          }),
        ]),
      },
    });
  });

  test('disabled: no backend keys and no secret grants beyond the stored configuration', () => {
    const { stack, platform, template } = build({ secrets: StepSecrets.disabled() });
    expect(platform.config.valueOf('METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE')).toBeUndefined();
    expect(platform.secretsNamePrefix).toBeUndefined();
    expect(secretReaders(template, stack).filter(({ resource }) => resource.includes(':secret:metaflow/'))).toEqual([]);
  });

  test('grantSecretRead lets steps and users read a secret kept elsewhere', () => {
    const stack = new Stack(new App(), 'Team');
    const platform = new MetaflowPlatform(stack, 'Metaflow');
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Shared', 'data-team/warehouse');
    platform.grantSecretRead(secret);
    const readers = secretReaders(Template.fromStack(stack), stack).filter(({ resource }) => resource.includes('data-team/warehouse'));
    expect(readers).toHaveLength(2);
  });
});
