import { App, aws_ec2 as ec2, aws_kms as kms, aws_rds as rds, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { publicAndIsolatedVpc } from './public-and-isolated-vpc';
import { MetaflowDatabase, MetaflowDatabaseOptions } from '../../src';

function build(options: MetaflowDatabaseOptions = {}): { stack: Stack; database: MetaflowDatabase; template: Template } {
  const stack = new Stack(new App(), 'Test');
  const vpc = publicAndIsolatedVpc(stack);
  const database = new MetaflowDatabase(stack, 'Database', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, ...options });
  return { stack, database, template: Template.fromStack(stack) };
}

describe('MetaflowDatabase', () => {
  test('defaults: PostgreSQL 17 by major, t4g.micro, gp3 with autoscaling, encrypted, private, backed up, final snapshot on delete (no deletion protection, so destroy completes)', () => {
    const { template } = build();
    template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: Match.objectLike({
        Engine: 'postgres',
        EngineVersion: '17',
        DBInstanceClass: 'db.t4g.micro',
        StorageType: 'gp3',
        AllocatedStorage: '20',
        MaxAllocatedStorage: 100,
        StorageEncrypted: true,
        PubliclyAccessible: false,
        DeletionProtection: false,
        BackupRetentionPeriod: 7,
        DeleteAutomatedBackups: false,
        MultiAZ: false,
        AutoMinorVersionUpgrade: true,
        DBName: 'metaflow',
      }),
    });
  });

  test('lives in the given isolated subnets', () => {
    const { template, stack } = build();
    const isolated = (stack.node.findChild('Vpc') as ec2.Vpc).isolatedSubnets.map((subnet) => stack.resolve(subnet.subnetId));
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: isolated });
  });

  test('credentials are generated into a retained secret and the password never appears in the template', () => {
    const { template, database, stack } = build();
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password', SecretStringTemplate: '{"username":"metaflow"}' }) }),
    });
    const password = JSON.stringify(template.findResources('AWS::RDS::DBInstance'));
    expect(password).toContain('{{resolve:secretsmanager:');
    expect(stack.resolve(database.port)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Endpoint.Port'] });
  });

  test('security group admits nothing until allowFrom, then only PostgreSQL from that peer', () => {
    const { stack, database } = build();
    const before = Template.fromStack(stack);
    before.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);

    const stack2 = new Stack(new App(), 'Test2');
    const vpc = new ec2.Vpc(stack2, 'Vpc', { natGateways: 0 });
    const db = new MetaflowDatabase(stack2, 'Database', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
    const client = new ec2.SecurityGroup(stack2, 'Client', { vpc });
    db.allowFrom(client);
    Template.fromStack(stack2).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      SourceSecurityGroupId: { 'Fn::GetAtt': [stack2.getLogicalId(client.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
      GroupId: { 'Fn::GetAtt': [stack2.getLogicalId(db.securityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
    });
    expect(database.securityGroup.allowAllOutbound).toBe(false);
  });

  test('options: class, version, storage, Multi-AZ, backups, key, protection, removal, name', () => {
    const stack = new Stack(new App(), 'Keyed');
    const key = new kms.Key(stack, 'Key');
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    new MetaflowDatabase(stack, 'Database', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
      engineVersion: rds.PostgresEngineVersion.VER_16,
      allocatedStorageGiB: 50,
      maxAllocatedStorageGiB: 500,
      multiAz: true,
      backupRetention: Duration.days(30),
      encryptionKey: key,
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
      databaseName: 'mf_prod',
    });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        DBInstanceClass: 'db.m7g.large',
        EngineVersion: '16',
        AllocatedStorage: '50',
        MaxAllocatedStorage: 500,
        MultiAZ: true,
        BackupRetentionPeriod: 30,
        KmsKeyId: Match.anyValue(),
        DeletionProtection: false,
        DBName: 'mf_prod',
      }),
    });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });

  test('RemovalPolicy.RETAIN turns deletion protection on: CloudFormation leaves a retained database alone, so it cannot block a destroy', () => {
    build({ removalPolicy: RemovalPolicy.RETAIN }).template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtection: true }),
    });
  });

  test('RemovalPolicy.DESTROY also turns deletion protection off, so the deletion can succeed', () => {
    build({ removalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtection: false }),
    });
  });

  test.each<[string, MetaflowDatabaseOptions, RegExp]>([
    ['PostgreSQL 14', { engineVersion: rds.PostgresEngineVersion.VER_14 }, /engineVersion: PostgreSQL 14 is older than 15/],
    ['tiny storage', { allocatedStorageGiB: 10 }, /allocatedStorageGiB: must be a whole number from 20 to 65536, got 10/],
    ['ceiling below storage', { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 }, /maxAllocatedStorageGiB: \(50\) must exceed allocatedStorageGiB \(100\)/],
    ['no backups', { backupRetention: Duration.days(0) }, /backupRetention: must be 1 to 35 whole days, got 0 days/],
    ['bad name', { databaseName: 'meta-flow' }, /databaseName: 'meta-flow' is not a valid PostgreSQL database name/],
  ])('rejects %s', (_name, options, message) => {
    expect(() => build(options)).toThrow(message);
  });
});
