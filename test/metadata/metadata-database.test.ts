import { App, aws_ec2 as ec2, aws_ecs as ecs, aws_rds as rds, aws_secretsmanager as secretsmanager, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  MetadataDatabase, MetaflowAuroraDatabase, MetaflowDatabase, MetaflowPlatform, MetaflowPlatformProps, MetaflowRelease,
} from '../../src';

function build(props: MetaflowPlatformProps = {}) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'us-east-1' } });
  const platform = new MetaflowPlatform(stack, 'Metaflow', props);
  return { stack, platform, template: Template.fromStack(stack) };
}

function environmentOf(template: Template, containerName: string): Record<string, any> {
  const container = (Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[])
    .flatMap((definition) => definition.Properties.ContainerDefinitions).find((candidate) => candidate.Name === containerName);
  return Object.fromEntries(container.Environment.map((variable: any) => [variable.Name, variable.Value]));
}

function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: any } }): string {
  return stack.getLogicalId(construct.node.defaultChild);
}

/** An instance your DBAs run, imported by its attributes. */
function dbaInstance(stack: Stack): rds.IDatabaseInstance {
  return rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'DbaInstance', {
    instanceIdentifier: 'shared-postgres',
    instanceEndpointAddress: 'shared-postgres.abc123.us-east-1.rds.amazonaws.com',
    port: 5432,
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'DbaSecurityGroup', 'sg-0123456789abcdef0')],
  });
}

function dbaSecret(stack: Stack): secretsmanager.ISecret {
  return secretsmanager.Secret.fromSecretCompleteArn(stack, 'DbaSecret', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:metaflow-db-AbCdEf');
}

const PARTITION = { Ref: 'AWS::Partition' };
const OWN_SNAPSHOTS = { 'Fn::Join': ['', ['arn:', PARTITION, ':rds:us-east-1:111122223333:snapshot:metaflow-*']] };

function unacknowledgedFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((violation) => violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`));
}

describe('the default database', () => {
  const { stack, platform, template } = build();
  const metadata = platform.metadata!;

  test('is an RDS instance the platform snapshots before a release\'s migration, in order: database, snapshot, migration, service', () => {
    expect(metadata.database).toBeInstanceOf(MetaflowDatabase);
    const database = metadata.database as MetaflowDatabase;
    const snapshotId = logicalIdOf(stack, metadata.releaseSnapshot!.resource);
    const migrationId = logicalIdOf(stack, metadata.migration.resource);
    template.hasResource('Custom::MetaflowReleaseSnapshot', {
      Properties: Match.objectLike({
        Kind: 'instance',
        Identifier: { Ref: logicalIdOf(stack, database.instance) },
        Release: 'netflixoss/metaflow_metadata_service:v2.5.1',
        BeforeFirstMigration: 'false',
      }),
      DependsOn: Match.arrayWith([logicalIdOf(stack, database.instance)]),
    });
    template.hasResource('Custom::MetaflowSchemaMigration', { DependsOn: Match.arrayWith([snapshotId]) });
    template.hasResource('AWS::ECS::Service', { DependsOn: Match.arrayWith([migrationId]) });
  });

  test('the snapshot functions may snapshot this instance only, and tag and describe only the platform\'s own snapshots', () => {
    const rdsStatementsOf = (fn: { role?: { node: { tryFindChild(id: string): any } } }) => {
      const policy = fn.role!.node.tryFindChild('DefaultPolicy');
      return stack.resolve(policy.document.toJSON()).Statement.filter((statement: any) => [statement.Action].flat().some((action: string) => action.startsWith('rds:')));
    };
    const instance = { 'Fn::Join': ['', ['arn:', PARTITION, ':rds:us-east-1:111122223333:db:', { Ref: logicalIdOf(stack, (metadata.database as MetaflowDatabase).instance) }]] };
    const snapshot = metadata.releaseSnapshot!;
    expect(rdsStatementsOf(snapshot.handler)).toEqual([
      { Effect: 'Allow', Action: 'rds:CreateDBSnapshot', Resource: [instance, OWN_SNAPSHOTS] },
      { Effect: 'Allow', Action: 'rds:AddTagsToResource', Resource: OWN_SNAPSHOTS },
    ]);
    expect(rdsStatementsOf(snapshot.completeHandler)).toEqual([{ Effect: 'Allow', Action: 'rds:DescribeDBSnapshots', Resource: [instance, OWN_SNAPSHOTS] }]);
    const allRdsStatements = (Object.values(template.findResources('AWS::IAM::Policy')) as any[])
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('rds:')));
    expect(allRdsStatements).toHaveLength(3);
  });

  test('the snapshot waits up to 2 hours, asked every 30 seconds, through the provider framework\'s waiter', () => {
    const [waiter] = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as any[];
    const definition = JSON.stringify(waiter.Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":30');
    expect(definition).toContain('\\"MaxAttempts\\":240');
  });

  test('keeps the logical ids of the released database', () => {
    template.hasResource('AWS::RDS::DBInstance', {});
    expect(Object.keys(template.findResources('AWS::RDS::DBInstance'))).toEqual(['MetaflowMetadataDatabaseInstance706D9A54']);
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret'))).toContain('MetaflowMetadataDatabaseCredentials4B4F7735');
  });
});

describe('a release change', () => {
  const next = MetaflowRelease.of({ name: 'metadata service v2.6.0', metadataServiceImage: ecs.ContainerImage.fromRegistry('netflixoss/metaflow_metadata_service:v2.6.0') });
  const before = build({ release: MetaflowRelease.V2_5_1 });
  const after = build({ release: next });

  test('changes the snapshot step\'s release and the migration\'s task definition, on the same database', () => {
    const snapshotOf = (template: Template) => (Object.values(template.findResources('Custom::MetaflowReleaseSnapshot')) as any[])[0].Properties;
    expect(snapshotOf(before.template).Release).toBe('netflixoss/metaflow_metadata_service:v2.5.1');
    expect(snapshotOf(after.template).Release).toBe('netflixoss/metaflow_metadata_service:v2.6.0');
    expect(snapshotOf(after.template).Identifier).toEqual(snapshotOf(before.template).Identifier);
    expect(environmentOf(after.template, 'migration')).toEqual(environmentOf(before.template, 'migration'));
  });

  test('runs snapshot, then migration, then the service and the UI roll', () => {
    const { stack, platform, template } = build({ release: next, ui: { internetFacing: false } });
    const metadata = platform.metadata!;
    const snapshotId = logicalIdOf(stack, metadata.releaseSnapshot!.resource);
    const migrationId = logicalIdOf(stack, metadata.migration.resource);
    const dependsOn = (logicalId: string): string[] => template.toJSON().Resources[logicalId].DependsOn ?? [];
    const dependsOnTransitively = (logicalId: string, on: string, seen = new Set<string>()): boolean =>
      dependsOn(logicalId).some((next_) => next_ === on || (!seen.has(next_) && (seen.add(next_), dependsOnTransitively(next_, on, seen))));
    expect(dependsOn(migrationId)).toContain(snapshotId);
    expect(dependsOnTransitively(snapshotId, migrationId)).toBe(false);
    expect(dependsOn(logicalIdOf(stack, metadata.service))).toContain(migrationId);
    expect(dependsOnTransitively(logicalIdOf(stack, platform.ui!.service), migrationId)).toBe(true);
  });
});

describe('a database restored from a snapshot', () => {
  const { template } = build({ metadata: { database: MetadataDatabase.postgresInstance({ snapshotIdentifier: 'metaflow-v2-5-1-to-v2-6-0-20261206-051107-r4t5y6' }) } });

  test('synthesizes DBSnapshotIdentifier with a new generated password for the snapshot\'s user, and creates no database in it', () => {
    template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Snapshot',
      Properties: Match.objectLike({
        DBSnapshotIdentifier: 'metaflow-v2-5-1-to-v2-6-0-20261206-051107-r4t5y6',
        MasterUserPassword: Match.anyValue(),
        DBName: Match.absent(),
        MasterUsername: Match.absent(),
        StorageEncrypted: Match.absent(),
      }),
    });
    expect(Object.keys(template.findResources('AWS::RDS::DBInstance'))).toEqual(['MetaflowMetadataDatabaseInstance706D9A54']);
    expect(environmentOf(template, 'metadata').MF_METADATA_DB_NAME).toBe('metaflow');
  });
});

describe('an Aurora PostgreSQL cluster', () => {
  const { stack, platform, template } = build({ metadata: { database: MetadataDatabase.auroraPostgres() } });
  const database = platform.metadata!.database as MetaflowAuroraDatabase;

  test('is encrypted, Serverless v2 from 0.5 ACU, requires SSL, and the service connects with the same SSL settings', () => {
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    template.hasResource('AWS::RDS::DBCluster', {
      DeletionPolicy: 'Snapshot',
      Properties: Match.objectLike({
        Engine: 'aurora-postgresql',
        EngineVersion: '17.9',
        StorageEncrypted: true,
        DatabaseName: 'metaflow',
        ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 },
        DBClusterParameterGroupName: { Ref: logicalIdOf(stack, database.parameterGroup) },
        CopyTagsToSnapshot: true,
        DeletionProtection: false,
      }),
    });
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Family: 'aurora-postgresql17', Parameters: { 'rds.force_ssl': '1' } });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', Engine: 'aurora-postgresql' });
    const environment = environmentOf(template, 'metadata');
    expect(environment.MF_METADATA_DB_SSL_MODE).toBe('require');
    expect(stack.resolve(environment.MF_METADATA_DB_HOST)).toEqual({ 'Fn::GetAtt': [logicalIdOf(stack, database.cluster), 'Endpoint.Address'] });
    expect(environmentOf(template, 'migration')).toEqual(environment);
  });

  test('is snapshotted as a cluster before a release\'s migration', () => {
    template.hasResourceProperties('Custom::MetaflowReleaseSnapshot', { Kind: 'cluster', Identifier: { Ref: logicalIdOf(stack, database.cluster) } });
  });

  test('admits the service on its port, and has alarms on CPU and connections with monitoring', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [logicalIdOf(stack, database.securityGroup), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalIdOf(stack, platform.metadata!.securityGroup), 'GroupId'] },
      FromPort: { 'Fn::GetAtt': [logicalIdOf(stack, database.cluster), 'Endpoint.Port'] },
    });
    const monitored = build({ metadata: { database: MetadataDatabase.auroraPostgres() }, monitoring: { alarmEmails: ['oncall@example.com'] } }).template;
    monitored.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'CPUUtilization', Namespace: 'AWS/RDS', Dimensions: [Match.objectLike({ Name: 'DBClusterIdentifier' })] });
    monitored.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'DatabaseConnections', Dimensions: [Match.objectLike({ Name: 'DBClusterIdentifier' })] });
  });

  test('with highAvailability gets a reader that scales with the writer; a provisioned writer is honoured', () => {
    build({ highAvailability: true, metadata: { database: MetadataDatabase.auroraPostgres() } }).template.resourceCountIs('AWS::RDS::DBInstance', 2);
    build({
      metadata: {
        database: MetadataDatabase.auroraPostgres({
          writer: rds.ClusterInstance.provisioned('Writer', { instanceType: ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE) }),
        }),
      },
    }).template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.r7g.large' });
  });

  test('restores from a cluster snapshot', () => {
    build({ metadata: { database: MetadataDatabase.auroraPostgres({ snapshotIdentifier: 'metaflow-before-v2-5-1-20261206-051107-abc123' }) } }).template
      .hasResourceProperties('AWS::RDS::DBCluster', { SnapshotIdentifier: 'metaflow-before-v2-5-1-20261206-051107-abc123', DatabaseName: Match.absent() });
  });

  test('leaves no cdk-nag finding unacknowledged', () => {
    expect(unacknowledgedFindings(stack)).toEqual([]);
  });
});

describe('an existing RDS instance', () => {
  const stack = new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'us-east-1' } });
  const platform = new MetaflowPlatform(stack, 'Metaflow', {
    metadata: { database: MetadataDatabase.existingInstance(dbaInstance(stack), { secret: dbaSecret(stack), databaseName: 'mlplatform', username: 'metaflow_service' }) },
    ui: { internetFacing: false },
  });
  const template = Template.fromStack(stack);

  test('creates no database and no credentials, and connects to it with the same SSL settings', () => {
    template.resourceCountIs('AWS::RDS::DBInstance', 0);
    template.resourceCountIs('AWS::RDS::DBCluster', 0);
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret')).filter((id) => id.includes('Database'))).toEqual([]);
    for (const container of ['metadata', 'migration', 'ui']) {
      expect(environmentOf(template, container)).toMatchObject({
        MF_METADATA_DB_HOST: 'shared-postgres.abc123.us-east-1.rds.amazonaws.com',
        MF_METADATA_DB_PORT: '5432',
        MF_METADATA_DB_NAME: 'mlplatform',
        MF_METADATA_DB_USER: 'metaflow_service',
        MF_METADATA_DB_SSL_MODE: 'require',
      });
    }
  });

  test('admits the service and the UI with rules in the platform\'s stack, on the database\'s port', () => {
    for (const peer of [platform.metadata!.securityGroup, platform.ui!.securityGroup]) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: 'sg-0123456789abcdef0',
        SourceSecurityGroupId: { 'Fn::GetAtt': [logicalIdOf(stack, peer), 'GroupId'] },
        FromPort: 5432,
        ToPort: 5432,
      });
    }
  });

  test('is not snapshotted unless allowed; when allowed, before the first migration too, with rights on that instance only', () => {
    template.resourceCountIs('Custom::MetaflowReleaseSnapshot', 0);
    expect(platform.metadata!.releaseSnapshot).toBeUndefined();
    const allowed = new Stack(new App(), 'Allowed', { env: { account: '111122223333', region: 'us-east-1' } });
    new MetaflowPlatform(allowed, 'Metaflow', {
      metadata: { database: MetadataDatabase.existingInstance(dbaInstance(allowed), { secret: dbaSecret(allowed), snapshotBeforeMigration: true }) },
    });
    const allowedTemplate = Template.fromStack(allowed);
    allowedTemplate.hasResourceProperties('Custom::MetaflowReleaseSnapshot', { Kind: 'instance', Identifier: 'shared-postgres', BeforeFirstMigration: 'true' });
    const rdsStatements = (Object.values(allowedTemplate.findResources('AWS::IAM::Policy')) as any[])
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement) => [statement.Action].flat().includes('rds:CreateDBSnapshot'));
    expect(rdsStatements).toHaveLength(1);
    expect(rdsStatements[0].Resource[0]).toEqual({ 'Fn::Join': ['', ['arn:', PARTITION, ':rds:us-east-1:111122223333:db:shared-postgres']] });
  });

  test('gets no database alarms with monitoring: its owners watch it', () => {
    const monitored = new Stack(new App(), 'Monitored', { env: { account: '111122223333', region: 'us-east-1' } });
    new MetaflowPlatform(monitored, 'Metaflow', {
      metadata: { database: MetadataDatabase.existingInstance(dbaInstance(monitored), { secret: dbaSecret(monitored) }) },
      monitoring: { alarmEmails: ['oncall@example.com'] },
    });
    const alarms = Object.keys(Template.fromStack(monitored).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.filter((id) => id.includes('MetadataService'))).not.toEqual([]);
    expect(alarms.filter((id) => id.includes('Database'))).toEqual([]);
  });

  test('the password arrives from the given secret through ECS secrets', () => {
    expect(JSON.stringify(template.findResources('AWS::ECS::TaskDefinition'))).toContain('arn:aws:secretsmanager:us-east-1:111122223333:secret:metaflow-db-AbCdEf:password::');
  });
});

describe('an existing Aurora cluster', () => {
  const stack = new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'us-east-1' } });
  const cluster = rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'DbaCluster', {
    clusterIdentifier: 'shared-aurora',
    clusterEndpointAddress: 'shared-aurora.cluster-abc123.us-east-1.rds.amazonaws.com',
    port: 5433,
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'DbaClusterSecurityGroup', 'sg-0fedcba9876543210')],
  });
  new MetaflowPlatform(stack, 'Metaflow', {
    metadata: { database: MetadataDatabase.existingCluster(cluster, { secret: dbaSecret(stack), snapshotBeforeMigration: true }) },
  });
  const template = Template.fromStack(stack);

  test('connects to the writer endpoint and port, and snapshots the cluster when allowed', () => {
    expect(environmentOf(template, 'metadata')).toMatchObject({ MF_METADATA_DB_HOST: 'shared-aurora.cluster-abc123.us-east-1.rds.amazonaws.com', MF_METADATA_DB_PORT: '5433' });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-0fedcba9876543210', FromPort: 5433 });
    template.hasResourceProperties('Custom::MetaflowReleaseSnapshot', { Kind: 'cluster', Identifier: 'shared-aurora' });
    template.resourceCountIs('AWS::RDS::DBCluster', 0);
  });
});

describe('a database in a data stack of its own', () => {
  const app = new App();
  const env = { account: '111122223333', region: 'us-east-1' };
  const data = new Stack(app, 'Data', { env });
  const vpc = new ec2.Vpc(data, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const database = new MetaflowDatabase(data, 'Database', { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } });
  const stack = new Stack(app, 'Platform', { env });
  new MetaflowPlatform(stack, 'Metaflow', {
    network: { vpc },
    metadata: { database: MetadataDatabase.existingInstance(database.instance, { secret: database.secret, snapshotBeforeMigration: true }) },
    ui: { internetFacing: false },
  });

  test('the platform stack depends on the data stack and not the other way round', () => {
    const assembly = app.synth();
    expect(stack.dependencies.map((dependency) => dependency.stackName)).toEqual(['Data']);
    expect(data.dependencies).toEqual([]);
    expect(assembly.getStackByName('Data').template.Resources).toBeDefined();
  });

  test('the data stack holds the database and its rules admit nothing of the platform\'s; the platform stack adds them', () => {
    const dataTemplate = Template.fromStack(data);
    dataTemplate.resourceCountIs('AWS::RDS::DBInstance', 1);
    dataTemplate.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    const platformTemplate = Template.fromStack(stack);
    platformTemplate.resourceCountIs('AWS::RDS::DBInstance', 0);
    expect(Object.keys(platformTemplate.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: { 'Fn::ImportValue': Match.anyValue() } } })))
      .toHaveLength(2);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
