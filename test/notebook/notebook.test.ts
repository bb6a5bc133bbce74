import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, aws_kms as kms, aws_logs as logs, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MetaflowPlatform, MetaflowPlatformProps, PublicApi } from '../../src';
import { notebookStartScript } from '../../src/notebook/notebook-lifecycle';

function build(props: MetaflowPlatformProps) {
  const stack = new Stack(new App(), 'Test');
  const platform = new MetaflowPlatform(stack, 'Metaflow', props);
  return { stack, platform, template: Template.fromStack(stack) };
}

describe('MetaflowNotebook in the default network (public subnets, no NAT)', () => {
  const { stack, platform, template } = build({ notebook: {} });
  const notebook = platform.notebook!;

  test('a small instance without root access, in the compute subnets, with SageMaker\'s internet access for pip', () => {
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
      InstanceType: 'ml.t3.medium',
      InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '2' },
      VolumeSizeInGB: 10,
      RootAccess: 'Disabled',
      DirectInternetAccess: 'Enabled',
      SubnetId: stack.resolve(platform.network.vpc.publicSubnets[0].subnetId),
    });
  });

  test('its security group admits nothing, and the metadata service admits it on port 8080', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: 'Metaflow notebook: no inbound traffic', SecurityGroupIngress: Match.absent() });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080,
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(notebook.securityGroup.node.defaultChild as any), 'GroupId'] },
      GroupId: { 'Fn::GetAtt': [stack.getLogicalId(platform.metadata!.securityGroup.node.defaultChild as any), 'GroupId'] },
    });
  });

  test('its role carries the Metaflow user policy and writes only the notebook log group', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] },
      ManagedPolicyArns: [{ Ref: stack.getLogicalId(platform.users.policy.node.defaultChild as any) }],
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy: any) => JSON.stringify(policy.Properties.Roles)
        === JSON.stringify([{ Ref: stack.getLogicalId(notebook.role.node.defaultChild as any) }]))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(JSON.stringify(statements[0].Resource)).toContain(':log-group:/aws/sagemaker/NotebookInstances:*');
  });

  test('the start script holds no secret value: it reads the configuration when the notebook starts', () => {
    const script = JSON.stringify(template.findResources('AWS::SageMaker::NotebookInstanceLifecycleConfig'));
    expect(script).not.toContain('resolve:secretsmanager');
    expect(script).toContain('METAFLOW_SERVICE_AUTH_KEY');
    expect(script).toContain('pip install --quiet \\"metaflow>=2.18.3\\"');
  });

  test('a failed background install leaves a note in the notebook\'s file browser (script run with stand-ins for aws and pip)', () => {
    const home = mkdtempSync(join(tmpdir(), 'notebook-'));
    mkdirSync(join(home, 'SageMaker'));
    mkdirSync(join(home, 'anaconda3', 'bin'), { recursive: true });
    writeFileSync(join(home, 'anaconda3', 'bin', 'activate'), '');
    mkdirSync(join(home, 'bin'));
    writeFileSync(join(home, 'bin', 'aws'), '#!/bin/sh\necho \'{"METAFLOW_SERVICE_URL": "x"}\'\n', { mode: 0o755 });
    writeFileSync(join(home, 'bin', 'pip'), '#!/bin/sh\necho "No matching distribution" >&2; exit 1\n', { mode: 0o755 });
    const script = notebookStartScript({ configSecretArn: 'arn', region: 'us-east-1', requiredKeys: ['METAFLOW_SERVICE_URL'], metaflowPackage: 'metaflow>=2.18.3' });
    // The part between the heredoc markers is what runs as ec2-user; run it as this user, then wait for the background install.
    const asUser = script.split("<<'METAFLOW'\n")[1].split('\nMETAFLOW\n')[0];
    const result = spawnSync('bash', ['-c', `${asUser}\nwait`], { env: { HOME: home, PATH: `${join(home, 'bin')}:${process.env.PATH}` }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(readFileSync(join(home, '.metaflowconfig', 'config.json'), 'utf8')).toContain('METAFLOW_SERVICE_URL');
    expect(readFileSync(join(home, 'SageMaker', 'METAFLOW-INSTALL-FAILED.txt'), 'utf8')).toContain('pip install "metaflow>=2.18.3" failed');
  });

  test('its URL is an output', () => {
    const outputs = Object.values(template.findOutputs('*')) as Array<{ Description: string }>;
    expect(outputs.filter((output) => output.Description.startsWith('SageMaker notebook with the Metaflow client configured'))).toHaveLength(1);
  });
});

describe('MetaflowNotebook options', () => {
  test('a private platform\'s notebook reaches the service at its load balancer\'s URL, through private subnets without SageMaker internet access', () => {
    const { template, platform, stack } = build({ network: { natGateways: 1 }, api: PublicApi.disabled(), notebook: {} });
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', { DirectInternetAccess: 'Disabled' });
    expect(stack.resolve(platform.config.valueOf('METAFLOW_SERVICE_URL'))).toEqual(stack.resolve(platform.metadata!.serviceUrl));
    expect(JSON.stringify(stack.resolve(platform.metadata!.serviceUrl))).toContain('MetaflowMetadataLoadBalancer');
  });

  test('type, volume, root access, Metaflow version and a KMS key', () => {
    const stack = new Stack(new App(), 'Test');
    const key = new kms.Key(stack, 'Key');
    new MetaflowPlatform(stack, 'Metaflow', {
      notebook: { instanceType: 'ml.m5.xlarge', volumeSizeGiB: 50, rootAccess: true, metaflowPackage: 'metaflow==2.19.7', encryptionKey: key },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
      InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 50, RootAccess: 'Enabled', KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as any), 'Arn'] },
    });
    expect(JSON.stringify(template.findResources('AWS::SageMaker::NotebookInstanceLifecycleConfig'))).toContain('metaflow==2.19.7');
  });

  test('logRetention expires the shared notebook log group through a function that may touch only that group', () => {
    const { template } = build({ notebook: { logRetention: logs.RetentionDays.ONE_MONTH } });
    template.hasResourceProperties('Custom::MetaflowNotebookLogRetention', { LogGroupName: '/aws/sagemaker/NotebookInstances', RetentionInDays: 30 });
    const statement = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement)
      .find((candidate: any) => JSON.stringify(candidate.Action) === JSON.stringify(['logs:CreateLogGroup', 'logs:PutRetentionPolicy']));
    expect(JSON.stringify(statement.Resource)).toContain(':log-group:/aws/sagemaker/NotebookInstances"');
    expect(JSON.stringify(statement.Resource)).not.toContain('/aws/batch/job');
  });

  test('the notebook log group is left alone unless asked', () => {
    build({ notebook: {} }).template.resourceCountIs('Custom::MetaflowNotebookLogRetention', 0);
  });

  test('no notebook unless asked for', () => {
    build({}).template.resourceCountIs('AWS::SageMaker::NotebookInstance', 0);
  });
});
