import { App, aws_ec2 as ec2, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MetaflowPlatform, MetaflowSharedStorage } from '../../src';

describe('shared storage of a platform', () => {
  const stack = new Stack(new App(), 'Test');
  const platform = new MetaflowPlatform(stack, 'Metaflow', { sharedStorage: {} });
  const template = Template.fromStack(stack);
  const fileSystem = platform.sharedStorage!.fileSystem;

  test('is encrypted, retained, moves cold files to Infrequent Access, and has no policy that would refuse Metaflow\'s mounts', () => {
    template.hasResource('AWS::EFS::FileSystem', {
      DeletionPolicy: 'Retain',
      Properties: {
        Encrypted: true,
        ThroughputMode: 'elastic',
        LifecyclePolicies: [{ TransitionToIA: 'AFTER_30_DAYS' }, { TransitionToPrimaryStorageClass: 'AFTER_1_ACCESS' }],
        FileSystemPolicy: Match.absent(),
        FileSystemTags: Match.anyValue(),
      },
    });
  });

  test('has one mount target in each subnet Batch runs in', () => {
    const batchSubnets = platform.network.vpc.selectSubnets(platform.batch.vpcSubnets).subnetIds.map((id) => stack.resolve(id));
    const targets = Object.values(template.findResources('AWS::EFS::MountTarget')).map((target) => target.Properties.SubnetId);
    expect(targets).toEqual(batchSubnets);
  });

  test('admits NFS from the Batch security group only', () => {
    const groupId = stack.resolve(platform.sharedStorage!.securityGroup.securityGroupId);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((rule) => JSON.stringify(rule.Properties.GroupId) === JSON.stringify(groupId));
    expect(ingress.map((rule) => [rule.Properties.FromPort, rule.Properties.SourceSecurityGroupId])).toEqual([
      [2049, stack.resolve(platform.batch.securityGroup.securityGroupId)],
    ]);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Metaflow shared file system: NFS from Batch jobs only',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32' })],
    });
  });

  test('the job role gets no EFS IAM grant: Metaflow mounts without IAM authorization, the security group admits the mounts', () => {
    const efsActions = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement)
      .flatMap((statement: any) => [statement.Action].flat())
      .filter((action: string) => action.startsWith('elasticfilesystem:'));
    expect(efsActions).toEqual([]);
  });

  test('its id is a stack output that shows the efs_volumes syntax', () => {
    const outputs = template.findOutputs('*', { Value: stack.resolve(fileSystem.fileSystemId) });
    expect(Object.keys(outputs)).toEqual([expect.stringMatching(/^MetaflowSharedFileSystemId/)]);
    expect(Object.values(outputs)[0].Description).toContain("@batch(efs_volumes=['<this id>:/mnt/shared'])");
  });
});

describe('MetaflowSharedStorage on its own', () => {
  test('follows the compute placement rule and the removal policy given', () => {
    const stack = new Stack(new App(), 'Test');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1 });
    new MetaflowSharedStorage(stack, 'Storage', { vpc, removalPolicy: RemovalPolicy.DESTROY, automaticBackups: true });
    const template = Template.fromStack(stack);
    const privateSubnets = vpc.privateSubnets.map((subnet) => stack.resolve(subnet.subnetId));
    expect(Object.values(template.findResources('AWS::EFS::MountTarget')).map((target) => target.Properties.SubnetId)).toEqual(privateSubnets);
    template.hasResource('AWS::EFS::FileSystem', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ BackupPolicy: { Status: 'ENABLED' } }) });
  });
});
