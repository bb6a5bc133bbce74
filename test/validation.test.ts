import {
  App, aws_batch as batch, aws_certificatemanager as acm, aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_kms as kms, aws_logs as logs,
  aws_rds as rds, aws_route53 as route53, aws_s3 as s3, aws_secretsmanager as secretsmanager, Duration, RemovalPolicy, SecretValue, Size, Stack,
} from 'aws-cdk-lib';
import {
  ComputeAccelerator, ComputeEnvironmentKind, DatabaseSsl, MetadataDatabase, MetaflowBatch, MetaflowBatchOptions, MetaflowComputeEnvironment,
  MetaflowComputeEnvironmentOptions, MetaflowConfig, MetaflowMetadataService, MetaflowMonitoring, MetaflowPlatform, MetaflowPlatformProps,
  MetaflowSchemaMigration, MetaflowSharedStorage, MetaflowUi, PublicApi, StepFunctionsIntegration, StepSecrets, UiLogin, UiTls,
} from '../src';
import { oidcProvider } from './ui/oidc-provider';
import { pythonPath } from '../src/private/caller-language';

/*
 * Every validation rule, exercised as a user meets it: each row builds something with one bad input
 * and asserts that the error names the prop by its full path and says how to fix it.
 */

type Build = (stack: Stack) => void;

function errorOf(build: Build): string {
  try {
    build(new Stack(new App(), 'Test'));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the props to be rejected');
}

const platform = (props: MetaflowPlatformProps | ((stack: Stack) => MetaflowPlatformProps)): Build =>
  (stack) => new MetaflowPlatform(stack, 'Metaflow', typeof props === 'function' ? props(stack) : props);

const batchPlatform = (options: MetaflowBatchOptions): Build => platform({ batch: options });
const environment = (options: Partial<MetaflowComputeEnvironmentOptions>): Build => batchPlatform({ computeEnvironments: [{ name: 'cpu', ...options }] });
const fargate = (options: Partial<MetaflowComputeEnvironmentOptions>): Build => environment({ kind: ComputeEnvironmentKind.FARGATE, ...options });
const spot = (options: Partial<MetaflowComputeEnvironmentOptions>): Build => environment({ kind: ComputeEnvironmentKind.EC2_SPOT, ...options });

interface SubnetGroups {
  readonly public?: boolean;
  readonly private?: boolean;
  readonly isolated?: boolean;
  readonly routeTables?: boolean;
}

function adoptedVpc(stack: Stack, groups: SubnetGroups, zones = ['us-east-1a', 'us-east-1b']): ec2.IVpc {
  const ids = (kind: string) => zones.map((_zone, index) => `subnet-${kind}${index}`);
  const tables = (kind: string) => (groups.routeTables ? zones.map((_zone, index) => `rtb-${kind}${index}`) : undefined);
  return ec2.Vpc.fromVpcAttributes(stack, 'Adopted', {
    vpcId: 'vpc-1',
    availabilityZones: zones,
    publicSubnetIds: groups.public ? ids('pub') : undefined,
    publicSubnetRouteTableIds: groups.public ? tables('pub') : undefined,
    privateSubnetIds: groups.private ? ids('prv') : undefined,
    privateSubnetRouteTableIds: groups.private ? tables('prv') : undefined,
    isolatedSubnetIds: groups.isolated ? ids('iso') : undefined,
    isolatedSubnetRouteTableIds: groups.isolated ? tables('iso') : undefined,
  });
}

function isolatedOnlyVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

const certificate = (stack: Stack) => acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:us-east-1:111122223333:certificate/abc');
const uiTls = (stack: Stack, domainName = 'metaflow.example.com') => UiTls.fromHostedZone({
  hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'example.com' }), domainName,
});

const G5_12XL = new ec2.InstanceType('g5.12xlarge');

const existingBucket = (stack: Stack) => s3.Bucket.fromBucketName(stack, 'Existing', 'existing-bucket');

// [case, build, prop path as the user wrote it, start of the fix]
const cases: Array<[string, Build, string, string]> = [
  // network
  ['negative NAT count', platform({ network: { natGateways: -1 } }), 'network.natGateways', 'use 0 (no NAT'],
  ['fractional NAT count', platform({ network: { natGateways: 1.5 } }), 'network.natGateways', 'use 0 (no NAT'],
  ['one Availability Zone', platform({ network: { maxAzs: 1 } }), 'network.maxAzs', 'use 2 or more'],
  ['more NAT gateways than zones', platform({ network: { natGateways: 3, maxAzs: 2 } }), 'network.natGateways', 'use at most one NAT gateway per Availability Zone'],
  ['flow log retention without flow logs', platform({ network: { flowLogs: false, flowLogRetention: logs.RetentionDays.ONE_WEEK } }),
    'network.flowLogRetention', 'remove `flowLogRetention` or enable `flowLogs`'],
  ['public database subnet type', platform({ network: { databaseSubnets: { subnetType: ec2.SubnetType.PUBLIC } } }), 'network.databaseSubnets',
    'select isolated or private subnets'],
  ['NAT count with an adopted VPC', platform((stack) => ({ network: { vpc: adoptedVpc(stack, { public: true, isolated: true }), natGateways: 1 } })),
    'network.natGateways', 'remove `natGateways` or `vpc`'],
  ['zone count with an adopted VPC', platform((stack) => ({ network: { vpc: adoptedVpc(stack, { public: true, isolated: true }), maxAzs: 3 } })),
    'network.maxAzs', 'remove `maxAzs` or `vpc`'],
  ['CIDR with an adopted VPC', platform((stack) => ({ network: { vpc: adoptedVpc(stack, { public: true, isolated: true }), cidr: '10.1.0.0/16' } })),
    'network.cidr', 'remove `cidr` or `vpc`'],
  ['adopted VPC without database subnets', platform((stack) => ({ network: { vpc: adoptedVpc(stack, { public: true }) } })), 'network.vpc',
    'add isolated or private subnets to the VPC, or pass `databaseSubnets`'],
  ['adopted VPC without a route out for compute', platform((stack) => ({ network: { vpc: adoptedVpc(stack, { isolated: true }) } })), 'network.vpc',
    'pass `computeSubnets` selecting subnets with internet or VPC endpoint access'],
  ['a VPC without DNS hostnames, where the Cloud Map name would not resolve', platform((stack) => ({
    network: {
      vpc: new ec2.Vpc(stack, 'NoDns', {
        enableDnsHostnames: false,
        natGateways: 0,
        subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }, { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      }),
    },
  })), 'network.vpc', 'turn on enableDnsSupport and enableDnsHostnames on the VPC'],
  ['adopted VPC in one zone', platform((stack) => ({ network: { vpc: adoptedVpc(stack, { public: true, isolated: true }, ['us-east-1a']) } })),
    'network.databaseSubnets', 'select database subnets in at least two Availability Zones'],
  ['public database subnets of an adopted VPC', platform((stack) => {
    const vpc = adoptedVpc(stack, { public: true, isolated: true });
    return { network: { vpc, databaseSubnets: { subnets: vpc.publicSubnets } } };
  }), 'network.databaseSubnets', 'select isolated or private subnets'],
  ['S3 endpoint without imported route tables', platform((stack) => ({ network: { vpc: adoptedVpc(stack, { public: true, isolated: true }), s3GatewayEndpoint: true } })),
    'network.s3GatewayEndpoint', 'import the VPC with its *SubnetRouteTableIds'],

  // datastore
  ['sysroot with slashes around', platform({ datastore: { sysrootPrefix: '/metaflow/' } }), 'datastore.sysrootPrefix', 'use path segments without leading or trailing slashes'],
  ['datatools prefix with an empty segment', platform({ datastore: { datatoolsPrefix: 'a//b' } }), 'datastore.datatoolsPrefix', 'use path segments'],
  ['equal prefixes', platform({ datastore: { datatoolsPrefix: 'metaflow' } }), 'datastore.datatoolsPrefix', 'use distinct prefixes'],
  ['datatools prefix inside the sysroot', platform({ datastore: { datatoolsPrefix: 'metaflow/data' } }), 'datastore.datatoolsPrefix',
    'use prefixes where neither contains the other'],
  ['sysroot inside the datatools prefix', platform({ datastore: { sysrootPrefix: 'data/metaflow' } }), 'datastore.datatoolsPrefix',
    'use prefixes where neither contains the other'],
  ['auto-delete on a retained bucket', platform({ datastore: { autoDeleteObjects: true } }), 'datastore.autoDeleteObjects',
    'also set `removalPolicy: RemovalPolicy.DESTROY`'],
  ...([
    ['encryptionKey', (stack: Stack) => ({ encryptionKey: new kms.Key(stack, 'Key') })],
    ['removalPolicy', () => ({ removalPolicy: RemovalPolicy.DESTROY })],
    ['autoDeleteObjects', () => ({ autoDeleteObjects: true, removalPolicy: RemovalPolicy.DESTROY })],
    ['versioned', () => ({ versioned: true })],
    ['serverAccessLogsBucket', (stack: Stack) => ({ serverAccessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'logs') })],
  ] as const).map(([prop, options]): [string, Build, string, string] => [
    `${prop} with an adopted bucket`,
    platform((stack) => ({ datastore: { bucket: existingBucket(stack), ...options(stack) } })),
    `datastore.${prop}`,
    `remove \`${prop}\` or \`bucket\``,
  ]),

  // Batch: environments
  ['no compute environments', batchPlatform({ computeEnvironments: [] }), 'batch.computeEnvironments', 'give at least one environment'],
  ['environment name starting with a digit', batchPlatform({ computeEnvironments: [{ name: '1cpu' }] }), 'batch.computeEnvironments[0].name',
    'use 1-32 letters, digits and hyphens, starting with a letter'],
  ['negative minimum vCPUs', environment({ minVcpus: -1 }), 'batch.computeEnvironments[0].minVcpus', 'use 0 so that idle costs nothing'],
  ['zero maximum vCPUs', environment({ maxVcpus: 0 }), 'batch.computeEnvironments[0].maxVcpus', 'raise maxVcpus'],
  ['a string for maximum vCPUs', environment({ maxVcpus: '96' as any }), 'batch.computeEnvironments[0].maxVcpus', 'raise maxVcpus'],
  ['negative desired vCPUs', environment({ desiredVcpus: -1 }), 'batch.computeEnvironments[0].desiredVcpus', 'use 0 or more'],
  ['minimum above maximum', environment({ minVcpus: 128, maxVcpus: 64 }), 'batch.computeEnvironments[0].minVcpus', 'lower minVcpus or raise maxVcpus'],
  ['desired outside the range', environment({ desiredVcpus: 100 }), 'batch.computeEnvironments[0].desiredVcpus', 'choose a value between minVcpus and maxVcpus'],
  ['job queue name with a space', environment({ jobQueueName: 'my queue' }), 'batch.computeEnvironments[0].jobQueueName', 'use up to 128 letters'],
  ['queue options without a queue', batchPlatform({ computeEnvironments: [{ name: 'cpu' }, { name: 'b', createJobQueue: false, jobQueueName: 'b' }] }),
    'batch.computeEnvironments[1].jobQueueName', 'remove jobQueueName/jobQueuePriority or the createJobQueue: false'],
  ['queue priority above 1000', environment({ jobQueuePriority: 1001 }), 'batch.computeEnvironments[0].jobQueuePriority', 'use 1 unless queues share environments'],
  ['hop limit 0', environment({ instanceMetadataHopLimit: 0 }), 'batch.computeEnvironments[0].instanceMetadataHopLimit', 'use 2 so that Metaflow'],
  ['hop limit 65', environment({ instanceMetadataHopLimit: 65 }), 'batch.computeEnvironments[0].instanceMetadataHopLimit', 'use 2 so that Metaflow'],
  ['GPU on Fargate', fargate({ gpu: true }), 'batch.computeEnvironments[0].gpu', 'Fargate has no accelerators'],
  ['Neuron on Fargate', fargate({ accelerator: ComputeAccelerator.AWS_NEURON }), 'batch.computeEnvironments[0].accelerator', 'Fargate has no accelerators'],
  ...([
    ['instanceTypes', { instanceTypes: [ec2.InstanceType.of(ec2.InstanceClass.M6I, ec2.InstanceSize.LARGE)] }],
    ['instanceClasses', { instanceClasses: [ec2.InstanceClass.M6I] }],
    ['minVcpus', { minVcpus: 1 }],
    ['desiredVcpus', { desiredVcpus: 1 }],
    ['rootVolumeSize', { rootVolumeSize: Size.gibibytes(50) }],
    ['allocationStrategy', { allocationStrategy: batch.AllocationStrategy.BEST_FIT_PROGRESSIVE }],
    ['spotBidPercentage', { spotBidPercentage: 50 }],
    ['machineImage', { machineImage: ec2.MachineImage.latestAmazonLinux2023() }],
    ['instanceMetadataHopLimit', { instanceMetadataHopLimit: 1 }],
  ] as Array<[string, Partial<MetaflowComputeEnvironmentOptions>]>).map(([prop, options]): [string, Build, string, string] => [
    `${prop} on Fargate`, fargate(options), `batch.computeEnvironments[0].${prop}`, `remove ${prop} or use an EC2 kind`,
  ]),
  ['no instance families or types', environment({ instanceClasses: [] }), 'batch.computeEnvironments[0].instanceClasses', 'list instance families or types'],
  ['root volume below the AMI size', environment({ rootVolumeSize: Size.gibibytes(20) }), 'batch.computeEnvironments[0].rootVolumeSize', 'use 30 GiB or more'],
  ['Spot with BEST_FIT', spot({ allocationStrategy: batch.AllocationStrategy.BEST_FIT }), 'batch.computeEnvironments[0].allocationStrategy',
    'use SPOT_PRICE_CAPACITY_OPTIMIZED or SPOT_CAPACITY_OPTIMIZED'],
  ['Spot bid of 0%', spot({ spotBidPercentage: 0 }), 'batch.computeEnvironments[0].spotBidPercentage', 'use 100 to pay at most the on-demand price'],
  ['Spot bid above 100%', spot({ spotBidPercentage: 150 }), 'batch.computeEnvironments[0].spotBidPercentage', 'use 100 to pay at most the on-demand price'],
  ['Spot strategy on demand', environment({ allocationStrategy: batch.AllocationStrategy.SPOT_CAPACITY_OPTIMIZED }), 'batch.computeEnvironments[0].allocationStrategy',
    'use BEST_FIT_PROGRESSIVE, or kind EC2_SPOT'],
  ['Spot bid on demand', environment({ spotBidPercentage: 80 }), 'batch.computeEnvironments[0].spotBidPercentage', 'remove it or use kind EC2_SPOT'],
  ['gpu beside another accelerator', environment({ gpu: true, accelerator: ComputeAccelerator.AWS_NEURON }), 'batch.computeEnvironments[0].gpu',
    'remove gpu: true (accelerator decides)'],
  ['Neuron on a family without Neuron devices', environment({ accelerator: ComputeAccelerator.AWS_NEURON, instanceTypes: [new ec2.InstanceType('g5.xlarge')] }),
    'batch.computeEnvironments[0].instanceTypes', 'use the families trn1, trn1n, trn2, inf1, inf2'],
  ['six security groups', environment({ securityGroups: [1, 2, 3, 4, 5].map((n) => ({ securityGroupId: `sg-${n}` }) as ec2.ISecurityGroup) }),
    'batch.computeEnvironments[0].securityGroups', 'list at most 4'],

  // Batch: multi-node environments
  ['multi-node on Spot', spot({ instanceTypes: [G5_12XL], multiNode: {} }), 'batch.computeEnvironments[0].multiNode', 'use kind EC2_ON_DEMAND for this environment'],
  ['multi-node on Fargate', fargate({ multiNode: {} }), 'batch.computeEnvironments[0].multiNode', 'use kind EC2_ON_DEMAND for this environment'],
  ['multi-node without an instance type', environment({ multiNode: {} }), 'batch.computeEnvironments[0].instanceTypes', 'give one instance type'],
  ['multi-node with two instance types', environment({ instanceTypes: [G5_12XL, new ec2.InstanceType('g5.24xlarge')], multiNode: {} }),
    'batch.computeEnvironments[0].instanceTypes', 'give one instance type'],
  ['multi-node with instance classes', environment({ instanceTypes: [G5_12XL], instanceClasses: [ec2.InstanceClass.G5], multiNode: {} }),
    'batch.computeEnvironments[0].instanceTypes', 'give one instance type'],
  ['multi-node with four extra security groups', environment({
    instanceTypes: [G5_12XL], multiNode: {}, securityGroups: [1, 2, 3, 4].map((n) => ({ securityGroupId: `sg-${n}` }) as ec2.ISecurityGroup),
  }), 'batch.computeEnvironments[0].securityGroups', 'list at most 3'],
  ['multi-node on a metal size without maxVcpus', environment({ instanceTypes: [new ec2.InstanceType('c5n.metal')], multiNode: {} }),
    'batch.computeEnvironments[0].maxVcpus', 'set maxVcpus to the number of nodes'],
  ['EFA on a size without it', platform({ network: { natGateways: 1 }, batch: { computeEnvironments: [{ name: 'cpu', instanceTypes: [new ec2.InstanceType('g5.4xlarge')], multiNode: { efaInterfaces: 1 } }] } }),
    'batch.computeEnvironments[0].instanceTypes', 'choose an instance type with EFA'],
  ['EFA interfaces above 32', platform({ network: { natGateways: 1 }, batch: { computeEnvironments: [{ name: 'cpu', instanceTypes: [new ec2.InstanceType('p5.48xlarge')], multiNode: { efaInterfaces: 33 } }] } }),
    'batch.computeEnvironments[0].multiNode.efaInterfaces', 'use 0 for no EFA'],
  ['EFA in public compute subnets', environment({ instanceTypes: [G5_12XL], multiNode: { efaInterfaces: 1 } }),
    'batch.computeEnvironments[0].multiNode.efaInterfaces', 'run compute in private subnets with egress'],
  ['MetaflowBatch alone with EFA in public subnets', (stack) => new MetaflowBatch(stack, 'Batch', {
    vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 0 }),
    computeEnvironments: [{ name: 'multi', instanceTypes: [G5_12XL], multiNode: { efaInterfaces: 1 } }],
  }), 'computeEnvironments[0].multiNode.efaInterfaces', 'run compute in private subnets with egress'],
  ['MetaflowComputeEnvironment alone, multi-node on Spot', (stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1 });
    new MetaflowComputeEnvironment(stack, 'Multi', {
      name: 'multi',
      vpc,
      securityGroup: new ec2.SecurityGroup(stack, 'Group', { vpc }),
      kind: ComputeEnvironmentKind.EC2_SPOT,
      instanceTypes: [G5_12XL],
      multiNode: {},
    });
  }, 'multiNode', 'use kind EC2_ON_DEMAND for this environment'],
  ['MetaflowComputeEnvironment alone with a minimum above its maximum', (stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    new MetaflowComputeEnvironment(stack, 'Cpu', { name: 'cpu', vpc, securityGroup: new ec2.SecurityGroup(stack, 'Group', { vpc }), minVcpus: 8, maxVcpus: 4 });
  }, 'minVcpus', 'lower minVcpus or raise maxVcpus'],
  ['MetaflowComputeEnvironment alone in a zone without subnets', (stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 1 });
    new MetaflowComputeEnvironment(stack, 'Multi', {
      name: 'multi', vpc, securityGroup: new ec2.SecurityGroup(stack, 'Group', { vpc }), instanceTypes: [G5_12XL], multiNode: { availabilityZone: 'mars-1a' },
    });
  }, 'multiNode.availabilityZone', 'name the zone of a compute subnet'],

  // Batch: combined queues and the default queue
  ['combined queue name with a space', batchPlatform({ jobQueues: [{ name: 'a b', computeEnvironments: ['cpu'] }] }), 'batch.jobQueues[0].name', 'use 1-32 letters'],
  ['combined queue physical name with a space', batchPlatform({ jobQueues: [{ name: 'both', jobQueueName: 'a b', computeEnvironments: ['cpu'] }] }),
    'batch.jobQueues[0].jobQueueName', 'use up to 128 letters'],
  ['combined queue priority below 0', batchPlatform({ jobQueues: [{ name: 'both', priority: -1, computeEnvironments: ['cpu'] }] }), 'batch.jobQueues[0].priority',
    'use 1 unless queues share environments'],
  ['combined queue without environments', batchPlatform({ jobQueues: [{ name: 'both', computeEnvironments: [] }] }), 'batch.jobQueues[0].computeEnvironments',
    'list 1 to 3 environment names'],
  ['combined queue over four environments', batchPlatform({
    computeEnvironments: ['a', 'b', 'c', 'd'].map((name) => ({ name })),
    jobQueues: [{ name: 'all', computeEnvironments: ['a', 'b', 'c', 'd'] }],
  }), 'batch.jobQueues[0].computeEnvironments', 'list 1 to 3 environment names'],
  ['combined queue naming an environment twice', batchPlatform({ jobQueues: [{ name: 'both', computeEnvironments: ['cpu', 'cpu'] }] }),
    'batch.jobQueues[0].computeEnvironments', 'list each environment once'],
  ['combined queue naming an unknown environment', batchPlatform({ jobQueues: [{ name: 'both', computeEnvironments: ['gpu'] }] }),
    'batch.jobQueues[0].computeEnvironments', 'use names from computeEnvironments (cpu)'],
  ['combined queue mixing EC2 and Fargate', batchPlatform({
    computeEnvironments: [{ name: 'cpu' }, { name: 'f', kind: ComputeEnvironmentKind.FARGATE }],
    jobQueues: [{ name: 'both', computeEnvironments: ['cpu', 'f'] }],
  }), 'batch.jobQueues[0].computeEnvironments', 'make separate queues for EC2 and Fargate environments'],
  ['a name used twice', batchPlatform({ computeEnvironments: [{ name: 'cpu' }, { name: 'cpu' }] }), 'batch.computeEnvironments / jobQueues',
    'give every environment and queue its own name'],
  ['a physical queue name used twice', batchPlatform({ computeEnvironments: [{ name: 'a', jobQueueName: 'q' }, { name: 'b', jobQueueName: 'q' }] }),
    'batch.jobQueueName', 'give every queue its own jobQueueName'],
  ['no queue at all', batchPlatform({ computeEnvironments: [{ name: 'cpu', createJobQueue: false }] }), 'batch.computeEnvironments',
    'let an environment create its queue, or add a combined queue in jobQueues'],
  ['unknown default queue', batchPlatform({ defaultJobQueue: 'gpu' }), 'batch.defaultJobQueue', 'name one of those queues'],

  ['an image repository name with capitals', batchPlatform({ imageRepository: { repositoryName: 'ML-Team' } }), 'batch.imageRepository.repositoryName',
    'use lower-case letters, digits'],
  ['immutable tags with the moving latest tag as default', batchPlatform({ imageRepository: { imageTagMutability: ecr.TagMutability.IMMUTABLE } }),
    'batch.imageRepository.defaultImageTag', 'use a version tag such as \'1.0\''],
  ['a default image tag with a colon', batchPlatform({ imageRepository: { defaultImageTag: 'v1:latest' } }), 'batch.imageRepository.defaultImageTag',
    'use letters, digits, _ . and -'],
  ['an image repository keeping no image', batchPlatform({ imageRepository: { maxImageCount: 0 } }), 'batch.imageRepository.maxImageCount',
    'keep at least one image'],

  // metadata service
  ['CPU size Fargate lacks', platform({ metadata: { cpu: 300 } }), 'metadata.cpu', 'use one of 256, 512, 1024, 2048, 4096'],
  ['memory that does not fit the CPU', platform({ metadata: { cpu: 256, memoryLimitMiB: 4096 } }), 'metadata.memoryLimitMiB', 'use 512 to 2048 MiB for cpu 256'],
  ['no tasks', platform({ metadata: { desiredCount: 0 } }), 'metadata.desiredCount', 'run at least one task'],
  ['maximum not above desired', platform({ metadata: { desiredCount: 2, maxCount: 2 } }), 'metadata.maxCount', 'raise maxCount'],
  ['CPU target without scaling', platform({ metadata: { targetCpuUtilizationPercent: 50 } }), 'metadata.targetCpuUtilizationPercent', 'set maxCount too'],
  ['CPU target of 95%', platform({ metadata: { maxCount: 3, targetCpuUtilizationPercent: 95 } }), 'metadata.targetCpuUtilizationPercent', 'use 60'],
  ['relative CA bundle path', platform({ metadata: { databaseSsl: DatabaseSsl.verifyFull('certs/rds.pem') } }), 'metadata.databaseSsl',
    'give the absolute path of the RDS CA bundle inside the image'],
  ['a managed environment variable', platform({ metadata: { environment: { MF_METADATA_DB_SSL_MODE: 'disable' } } }), 'metadata.environment',
    'use databaseSsl or the database options instead'],
  ['a migration longer than Lambda can wait', platform({ metadata: { migrationTimeout: Duration.minutes(20) } }), 'metadata.migrationTimeout',
    'use at most Duration.minutes(13)'],

  // database
  ['PostgreSQL 14', platform({ metadata: { database: MetadataDatabase.postgresInstance({ engineVersion: rds.PostgresEngineVersion.VER_14 }) } }), 'metadata.database.engineVersion',
    'use rds.PostgresEngineVersion.VER_17 or VER_16'],
  ['storage below gp3\'s minimum', platform({ metadata: { database: MetadataDatabase.postgresInstance({ allocatedStorageGiB: 10 }) } }), 'metadata.database.allocatedStorageGiB',
    'use 20 (the gp3 minimum) or more'],
  ['autoscaling ceiling not above the storage', platform({ metadata: { database: MetadataDatabase.postgresInstance({ allocatedStorageGiB: 50, maxAllocatedStorageGiB: 50 }) } }),
    'metadata.database.maxAllocatedStorageGiB', 'raise maxAllocatedStorageGiB'],
  ['backups kept for a day and a half', platform({ metadata: { database: MetadataDatabase.postgresInstance({ backupRetention: Duration.hours(36) }) } }), 'metadata.database.backupRetention',
    'keep at least one day of automated backups'],
  ['a job log retention that is not a CloudWatch period (as Python may pass)', batchPlatform({ jobLogRetention: 30.5 as logs.RetentionDays }), 'batch.jobLogRetention',
    'use a logs.RetentionDays member such as RetentionDays.ONE_MONTH'],
  ['a platform log retention of 45 days', platform({ logRetention: 45 as logs.RetentionDays }), 'logRetention', 'use a logs.RetentionDays member'],
  ['a maintenance window without days', platform({ metadata: { database: MetadataDatabase.postgresInstance({ preferredMaintenanceWindow: '04:00-04:30' }) } }),
    'metadata.database.preferredMaintenanceWindow', 'write it as ddd:hh24:mi-ddd:hh24:mi in UTC'],
  ['a backup window at 25 o\'clock', platform({ metadata: { database: MetadataDatabase.postgresInstance({ preferredBackupWindow: '25:00-25:30' }) } }),
    'metadata.database.preferredBackupWindow', 'write it as hh24:mi-hh24:mi in UTC'],
  ['high availability with one service task', platform({ highAvailability: true, metadata: { desiredCount: 1 } }), 'metadata.desiredCount',
    'remove it (highAvailability runs two tasks and a Multi-AZ database)'],
  ['high availability with a single-AZ database', platform({ highAvailability: true, metadata: { database: MetadataDatabase.postgresInstance({ multiAz: false }) } }),
    'metadata.database', 'remove it (highAvailability runs two tasks'],
  ['high availability with one UI task', platform({ highAvailability: true, ui: { internetFacing: false, desiredCount: 1 } }), 'ui.desiredCount',
    'remove it (highAvailability runs two tasks'],
  ['no backups', platform({ metadata: { database: MetadataDatabase.postgresInstance({ backupRetention: Duration.days(0) }) } }), 'metadata.database.backupRetention',
    'keep at least one day of automated backups'],
  ['database name with a hyphen', platform({ metadata: { database: MetadataDatabase.postgresInstance({ databaseName: 'meta-flow' }) } }), 'metadata.database.databaseName',
    'use up to 63 letters, digits and underscores'],
  ['a user name with a space', platform({ metadata: { database: MetadataDatabase.postgresInstance({ username: 'meta flow' }) } }), 'metadata.database.username',
    'use up to 63 letters, digits and underscores'],
  ['a snapshot identifier with a slash', platform({ metadata: { database: MetadataDatabase.postgresInstance({ snapshotIdentifier: 'backups/metaflow' }) } }),
    'metadata.database.snapshotIdentifier', 'copy the identifier or the ARN from aws rds describe-db-snapshots'],
  ['a new key for a restored database', platform((stack) => ({
    metadata: { database: MetadataDatabase.postgresInstance({ snapshotIdentifier: 'metaflow-final', encryptionKey: new kms.Key(stack, 'Key') }) },
  })), 'metadata.database.encryptionKey', 'leave encryptionKey unset, or copy the snapshot with the new key first'],
  ['Aurora that pauses (0 ACU)', platform({ metadata: { database: MetadataDatabase.auroraPostgres({ serverlessV2MinCapacity: 0 }) } }),
    'metadata.database.serverlessV2MinCapacity', 'use 0.5, the smallest capacity that stays up'],
  ['Aurora capacity in thirds', platform({ metadata: { database: MetadataDatabase.auroraPostgres({ serverlessV2MaxCapacity: 1.3 }) } }),
    'metadata.database.serverlessV2MaxCapacity', 'use 2 or more'],
  ['Aurora with less capacity at most than at least', platform({ metadata: { database: MetadataDatabase.auroraPostgres({ serverlessV2MinCapacity: 4, serverlessV2MaxCapacity: 2 }) } }),
    'metadata.database.serverlessV2MaxCapacity', 'raise serverlessV2MaxCapacity'],
  ['Aurora PostgreSQL 14', platform({ metadata: { database: MetadataDatabase.auroraPostgres({ engineVersion: rds.AuroraPostgresEngineVersion.VER_14_9 }) } }),
    'metadata.database.engineVersion', 'use rds.AuroraPostgresEngineVersion.VER_17_9'],
  ['high availability with an Aurora cluster without readers', platform({ highAvailability: true, metadata: { database: MetadataDatabase.auroraPostgres({ readers: [] }) } }),
    'metadata.database', 'remove it (highAvailability runs two tasks'],
  ['an existing database imported without security groups', platform((stack) => ({
    metadata: {
      database: MetadataDatabase.existingInstance(rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
        instanceIdentifier: 'shared', instanceEndpointAddress: 'shared.example.com', port: 5432, securityGroups: [],
      }), { secret: secretsmanager.Secret.fromSecretNameV2(stack, 'DbSecret', 'shared-db') }),
    },
  })), 'metadata.database', 'import it with its securityGroups'],
  ['an existing database with a hyphenated database name', platform((stack) => ({
    metadata: {
      database: MetadataDatabase.existingInstance(rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
        instanceIdentifier: 'shared',
        instanceEndpointAddress: 'shared.example.com',
        port: 5432,
        securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'DbGroup', 'sg-0123456789abcdef0')],
      }), { secret: secretsmanager.Secret.fromSecretNameV2(stack, 'DbSecret', 'shared-db'), databaseName: 'ml-platform' }),
    },
  })), 'metadata.database.databaseName', 'use up to 63 letters, digits and underscores'],

  // API
  ['zero requests per second', platform({ api: PublicApi.httpApi({ throttlingRateLimit: 0 }) }), 'api.throttlingRateLimit', 'use 10000, API Gateway\'s default'],
  ['zero burst', platform({ api: PublicApi.httpApi({ throttlingBurstLimit: 0 }) }), 'api.throttlingBurstLimit', 'use 5000, API Gateway\'s default'],
  ['stage name with a space', platform({ api: PublicApi.httpApi({ stageName: 'my stage' }) }), 'api.stageName', 'use letters, digits and underscores'],
  ['empty allow-list', platform({ api: PublicApi.httpApi({ allowedCidrs: [] }) }), 'api.allowedCidrs', 'list at least one CIDR range'],
  ['host name in the allow-list', platform({ api: PublicApi.httpApi({ allowedCidrs: ['example.com'] }) }), 'api.allowedCidrs', 'write ranges like 203.0.113.0/24'],
  ['prefix too long in the allow-list', platform({ api: PublicApi.httpApi({ allowedCidrs: ['10.0.0.0/33'] }) }), 'api.allowedCidrs', 'write ranges like 203.0.113.0/24'],
  ['keyless API open to the internet', platform({ api: PublicApi.httpApi({ apiKeyRequired: false }) }), 'api.apiKeyRequired',
    'keep the API key, or set allowedCidrs to your networks'],
  ['unauthenticated opt-in while the key is on', platform({ api: PublicApi.httpApi({ allowUnauthenticatedAccess: true }) }), 'api.allowUnauthenticatedAccess',
    'remove allowUnauthenticatedAccess, or set apiKeyRequired: false as well'],
  ['key generation 0', platform({ api: PublicApi.httpApi({ apiKeyGeneration: 0 }) }), 'api.apiKeyGeneration', 'start at 1 and raise it by one for each rotation'],
  ['key generation without a key', platform({ api: PublicApi.httpApi({ apiKeyRequired: false, allowedCidrs: ['203.0.113.0/24'], apiKeyGeneration: 2 }) }),
    'api.apiKeyGeneration', 'remove apiKeyGeneration or turn the API key on'],

  // Step Functions
  ['state machine prefix with a space', platform({ stepFunctions: StepFunctionsIntegration.enabled({ stateMachinePrefix: 'my flows' }) }), 'stepFunctions.stateMachinePrefix',
    'use 1-40 letters, digits, hyphens and underscores'],
  ['state machine prefix over 40 characters', platform({ stepFunctions: StepFunctionsIntegration.enabled({ stateMachinePrefix: 'x'.repeat(41) }) }),
    'stepFunctions.stateMachinePrefix', 'use 1-40 letters'],

  // UI
  ['an internet-facing UI without TLS', platform({ ui: {} }), 'ui.tls', 'use UiTls.fromHostedZone({ hostedZone, domainName })'],
  ['plain HTTP on the internet', platform({ ui: { tls: UiTls.plainHttp(), login: UiLogin.none(), allowedCidrs: ['203.0.113.0/24'] } }), 'ui.tls',
    'use UiTls.fromHostedZone'],
  ['a login over plain HTTP', platform({ ui: { internetFacing: false, login: UiLogin.cognito() } }), 'ui.login', 'give tls a certificate'],
  ['a public UI without login or allow-list', platform((stack) => ({ ui: { tls: uiTls(stack), login: UiLogin.none() } })), 'ui.login',
    'keep a login (UiLogin.cognito() or UiLogin.oidc(...)), or set allowedCidrs'],
  ['a public UI without login whose allow-list is the whole internet', platform((stack) => ({ ui: { tls: uiTls(stack), login: UiLogin.none(), allowedCidrs: ['0.0.0.0/0'] } })),
    'ui.login', 'keep a login (UiLogin.cognito() or UiLogin.oidc(...)), or set allowedCidrs'],
  ['a public UI without login whose allow-list holds ::/0', platform((stack) => ({ ui: { tls: uiTls(stack), login: UiLogin.none(), allowedCidrs: ['198.51.100.0/24', '::/0'] } })),
    'ui.login', 'keep a login (UiLogin.cognito() or UiLogin.oidc(...)), or set allowedCidrs'],
  ['a UI idle timeout beyond what an ALB allows', platform({ ui: { internetFacing: false, idleTimeout: Duration.hours(2) } }), 'ui.idleTimeout', 'use Duration.hours(1)'],
  ['an internal UI with a login in a network without NAT', platform((stack) => ({ ui: { internetFacing: false, tls: UiTls.fromCertificate(certificate(stack), 'metaflow.example.com'), login: UiLogin.cognito() } })),
    'ui.login', 'place it in private subnets with a NAT gateway'],
  ['MetaflowUi alone: internal with OIDC in public subnets', (stack) => {
    const platformWithoutUi = new MetaflowPlatform(stack, 'Metaflow');
    new MetaflowUi(stack, 'Ui', {
      internetFacing: false,
      tls: UiTls.fromCertificate(certificate(stack), 'metaflow.example.com'),
      login: UiLogin.oidc(oidcProvider),
      vpc: platformWithoutUi.network.vpc,
      serviceSubnets: platformWithoutUi.network.computeSubnets,
      cluster: platformWithoutUi.metadata!.cluster,
      database: platformWithoutUi.metadata!.database.endpoint,
      datastore: platformWithoutUi.datastore,
    });
  }, 'login', 'place it in private subnets with a NAT gateway'],
  ['an empty UI allow-list', platform({ ui: { internetFacing: false, allowedCidrs: [] } }), 'ui.allowedCidrs', 'list at least one CIDR range'],
  ['a UI allow-list with a host name', platform({ ui: { internetFacing: false, allowedCidrs: ['vpn.example.com'] } }), 'ui.allowedCidrs',
    'write ranges like 203.0.113.0/24'],
  ['a created certificate without a hosted zone', platform({ ui: { tls: UiTls.fromHostedZone({ hostedZone: undefined as any, domainName: 'metaflow.example.com' }) } }),
    'ui.tls.hostedZone', 'give UiTls.fromHostedZone a hostedZone'],
  ['a domain outside the hosted zone', platform((stack) => ({ ui: { tls: uiTls(stack, 'metaflow.example.org') } })), 'ui.tls.domainName',
    'use example.com or a name below it'],
  ['a domain name with a space', platform((stack) => ({ ui: { tls: UiTls.fromCertificate(certificate(stack), 'meta flow.example.com') } })), 'ui.tls.domainName',
    'give the full name users open'],
  ['an OIDC issuer that is not https', platform((stack) => ({ ui: { tls: uiTls(stack), login: UiLogin.oidc({ ...oidcProvider, issuer: 'example.okta.com' }) } })),
    'ui.login.issuer', 'give the provider\'s issuer from its /.well-known/openid-configuration'],
  ['an OIDC provider without a client id', platform((stack) => ({ ui: { tls: uiTls(stack), login: UiLogin.oidc({ ...oidcProvider, clientId: '' }) } })),
    'ui.login.clientId', 'give the client id the provider issued'],
  ['an OIDC client secret in plain text', platform((stack) => ({ ui: { tls: uiTls(stack), login: UiLogin.oidc({ ...oidcProvider, clientSecret: SecretValue.unsafePlainText('s3cr3t') }) } })),
    'ui.login.clientSecret', "store it in Secrets Manager and pass SecretValue.secretsManager('<secret name>')"],
  ['a Cognito domain prefix with a reserved word', platform((stack) => ({ ui: { tls: uiTls(stack), login: UiLogin.cognito({ domainPrefix: 'aws-metaflow' }) } })),
    'ui.login.domainPrefix', 'use lower-case letters, digits and hyphens'],
  ['a UI CPU size Fargate lacks', platform({ ui: { internetFacing: false, cpu: 300 } }), 'ui.cpu', 'use one of 256, 512'],
  ['UI memory that does not fit the CPU', platform({ ui: { internetFacing: false, cpu: 512, memoryLimitMiB: 512 } }), 'ui.memoryLimitMiB',
    'use 1024 to 4096 MiB for cpu 512'],
  ['no UI tasks', platform({ ui: { internetFacing: false, desiredCount: 0 } }), 'ui.desiredCount', 'run at least one task'],
  ['no database connections for the UI', platform({ ui: { internetFacing: false, databasePoolMax: 0 } }), 'ui.databasePoolMax', 'use 4'],
  ['no artifact cache workers', platform({ ui: { internetFacing: false, cache: { artifactWorkers: 0 } } }), 'ui.cache.artifactWorkers', 'use 2 to 4'],
  ['caches larger than the task\'s disk', platform({ ui: { internetFacing: false, cache: { artifactStorage: Size.gibibytes(30) } } }),
    'ui.cache.artifactStorage', 'keep the three under 18 GiB together'],
  ['a UI environment variable the construct manages', platform({ ui: { internetFacing: false, environment: { PATH_PREFIX: '/api' } } }), 'ui.environment',
    'use the UI, database and datastore options instead'],

  // people
  ['a user role for a principal that is not an account or ARN', platform({ users: { roleAssumableBy: ['data-scientists'] } }), 'users.roleAssumableBy',
    'give 12-digit account ids or ARNs'],
  ['a user role nobody may assume', platform({ users: { roleAssumableBy: [] } }), 'users.roleAssumableBy', 'list at least one principal'],
  ['a user session over 12 hours', platform({ users: { roleAssumableBy: ['111122223333'], roleMaxSessionDuration: Duration.hours(24) } }),
    'users.roleMaxSessionDuration', 'use Duration.hours(12) or less'],
  ['a session length without a role', platform({ users: { roleMaxSessionDuration: Duration.hours(2) } }), 'users.roleMaxSessionDuration',
    'set roleAssumableBy too'],

  ['a notebook instance type that is not SageMaker\'s', platform({ notebook: { instanceType: 't3.medium' } }), 'notebook.instanceType',
    'use a name such as ml.t3.medium'],
  ['a notebook volume below 5 GiB', platform({ notebook: { volumeSizeGiB: 1 } }), 'notebook.volumeSizeGiB', 'use 10 or more'],
  ['a Metaflow package with shell quotes', platform({ notebook: { metaflowPackage: "metaflow'; rm -rf ~" } }), 'notebook.metaflowPackage',
    'use a requirement such as metaflow==2.19.7'],

  // a shared metadata service
  ...(['metadata', 'api', 'ui'] as const).map((prop): [string, Build, string, string] => [
    `${prop} beside a shared metadata service`,
    platform((stack) => ({
      metadataService: MetaflowMetadataService.fromAttributes(stack, 'Shared', { serviceUrl: 'http://shared/', internalUrl: 'http://shared/' }),
      [prop]: prop === 'metadata' ? { cpu: 512, memoryLimitMiB: 1024 } : prop === 'api' ? PublicApi.httpApi() : { internetFacing: false },
    })),
    prop,
    `remove \`${prop}\` (set it on the platform that owns the service), or remove metadataService`,
  ]),

  // parts used on their own
  ['MetaflowBatch alone in a VPC without a route out', (stack) => new MetaflowBatch(stack, 'Batch', { vpc: isolatedOnlyVpc(stack) }), 'vpc',
    'pass `vpcSubnets` selecting subnets with internet or VPC endpoint access'],
  ['MetaflowBatch alone with a bad environment', (stack) => new MetaflowBatch(stack, 'Batch', {
    vpc: new ec2.Vpc(stack, 'Vpc', { natGateways: 0 }), computeEnvironments: [{ name: 'cpu', maxVcpus: -1 }],
  }), 'computeEnvironments[0].maxVcpus', 'raise maxVcpus'],
  ['MetaflowComputeEnvironment alone in a VPC without a route out', (stack) => {
    const vpc = isolatedOnlyVpc(stack);
    new MetaflowComputeEnvironment(stack, 'Env', { name: 'cpu', vpc, securityGroup: new ec2.SecurityGroup(stack, 'Sg', { vpc }) });
  }, 'vpc', 'pass `vpcSubnets`'],
  ['MetaflowSchemaMigration alone with a long timeout', (stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('migration', { image: ecs.ContainerImage.fromRegistry('migration') });
    new MetaflowSchemaMigration(stack, 'Migration', {
      cluster: new ecs.Cluster(stack, 'Cluster', { vpc }),
      taskDefinition,
      containerName: 'migration',
      taskLogGroup: new logs.LogGroup(stack, 'Logs'),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [],
      assignPublicIp: true,
      timeout: Duration.minutes(15),
    });
  }, 'timeout', 'use at most Duration.minutes(13)'],

  // day-2 options
  ['a tag key with the reserved aws: prefix', platform({ tags: { 'aws:team': 'vision' } }), "tags['aws:team']", 'choose a key and value that do not start with aws:'],
  ['a tag key with a character Batch rejects', platform({ tags: { 'team#1': 'vision' } }), "tags['team#1']", 'use 1 to 128 letters, digits, spaces and _.:/=+-@'],
  ['a tag value longer than 256 characters', platform({ tags: { team: 'v'.repeat(257) } }), "tags['team']", 'use up to 256 letters'],
  ['more tags than a Batch job can carry', platform({ tags: Object.fromEntries([...Array(41).keys()].map((i) => [`tag${i}`, 'x'])) }), 'tags',
    'keep 40 tags or fewer'],
  ['a secrets prefix without the trailing slash', platform({ secrets: StepSecrets.awsSecretsManager({ namePrefix: 'metaflow' }) }), 'secrets.namePrefix',
    "use a folder-like prefix such as 'metaflow/team-a/'"],
  ['a secrets prefix with a wildcard', platform({ secrets: StepSecrets.awsSecretsManager({ namePrefix: 'metaflow/*/' }) }), 'secrets.namePrefix',
    "use a folder-like prefix such as 'metaflow/team-a/'"],
  ['a keyless API whose allow-list is the whole internet', platform({ api: PublicApi.httpApi({ apiKeyRequired: false, allowedCidrs: ['0.0.0.0/0'] }) }),
    'api.apiKeyRequired', 'keep the API key, or set allowedCidrs to your networks'],
  ['a keyless API whose allow-list is all of IPv6', platform({ api: PublicApi.httpApi({ apiKeyRequired: false, allowedCidrs: ['203.0.113.0/24', '::/0'] }) }),
    'api.apiKeyRequired', 'keep the API key, or set allowedCidrs to your networks'],
  ['a keyless API whose allow-list is half the internet', platform({ api: PublicApi.httpApi({ apiKeyRequired: false, allowedCidrs: ['0.0.0.0/1'] }) }),
    'api.apiKeyRequired', 'keep the API key, or set allowedCidrs to your networks'],
  ['a secrets prefix with a dot, which @secrets reads as a backend name', platform({ secrets: StepSecrets.awsSecretsManager({ namePrefix: 'metaflow.team/' }) }),
    'secrets.namePrefix', "use a folder-like prefix such as 'metaflow/team-a/'"],
  ['a notebook pinned to a Metaflow older than the configuration needs', platform({ notebook: { metaflowPackage: 'metaflow==2.17.0' } }), 'notebook.metaflowPackage',
    'pin 2.18.3 or newer'],
  ['a notebook in isolated compute subnets', platform((stack) => ({
    network: { vpc: adoptedVpc(stack, { public: true, isolated: true }), computeSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } },
    notebook: {},
  })), 'network.computeSubnets', 'select subnets with a NAT gateway or public subnets for compute'],
  ['a team platform with a VPC of its own on a shared service', (stack) => {
    const shared = new MetaflowPlatform(new Stack(stack.node.root as App, 'Shared'), 'Metaflow');
    new MetaflowPlatform(stack, 'Team', { metadataService: shared.metadataService });
  }, 'network.vpc', "pass the shared platform's network: network: { vpc: sharedPlatform.network.vpc }"],
  ['a team platform in another region than its shared service', (stack) => {
    const app = stack.node.root as App;
    const shared = new MetaflowPlatform(new Stack(app, 'Shared', { env: { region: 'us-east-1' } }), 'Metaflow');
    new MetaflowPlatform(new Stack(app, 'Team', { env: { region: 'eu-west-1' } }), 'Team', {
      metadataService: shared.metadataService, network: { vpc: shared.network.vpc },
    });
  }, 'metadataService', "create the team platform in the shared platform's region"],
  ['alarms without a topic or email', platform({ monitoring: {} }), 'monitoring.alarmTopic', 'pass alarmTopic'],
  ['alarms with an empty email list', platform({ monitoring: { alarmEmails: [] } }), 'monitoring.alarmTopic', 'pass alarmTopic'],
  ['an alarm email that is not an address', platform({ monitoring: { alarmEmails: ['oncall'] } }), 'monitoring.alarmEmails', 'give addresses such as team@example.com'],
  ['a 5xx threshold above 100 %', platform({ monitoring: { alarmEmails: ['a@example.com'], apiServerErrorPercentThreshold: 150 } }),
    'monitoring.apiServerErrorPercentThreshold', 'use 5 for 5 %'],
  ['a fractional connections threshold', platform({ monitoring: { alarmEmails: ['a@example.com'], databaseConnectionsThreshold: 1.5 } }),
    'monitoring.databaseConnectionsThreshold', 'use a number below the max_connections'],
  ['a zero latency threshold', platform({ monitoring: { alarmEmails: ['a@example.com'], apiLatencyThreshold: Duration.seconds(0) } }),
    'monitoring.apiLatencyThreshold', 'use Duration.seconds(5)'],
  ['MetaflowConfig with an output id prefix CloudFormation rejects', (stack) => new MetaflowConfig(stack, 'Config', { outputIdPrefix: 'team-a' }),
    'outputIdPrefix', 'use letters and digits only, starting with a letter'],
  ['MetaflowMonitoring alone without a topic', (stack) => new MetaflowMonitoring(stack, 'Monitoring', {}), 'alarmTopic', 'pass alarmTopic'],
  ['a role path without slashes', platform({ roles: { path: 'metaflow' } }), 'roles.path', "start and end it with '/'"],
  ['a role name prefix with a space', platform({ roles: { namePrefix: 'metaflow team' } }), 'roles.namePrefix', 'use letters, digits and +=,.@_- only'],
  ['a role name prefix too long for unique names', platform({ roles: { namePrefix: 'x'.repeat(41) } }), 'roles.namePrefix', 'use letters, digits'],
  ['MetaflowSharedStorage alone in an adopted VPC without compute subnets', (stack) => new MetaflowSharedStorage(stack, 'Storage', {
    vpc: isolatedOnlyVpc(stack),
  }), 'vpc', 'pass `vpcSubnets` selecting subnets with internet or VPC endpoint access'],
];

describe('every bad input names its prop and the fix', () => {
  test('there are at least 80 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  test.each(cases)('%s', (_case, build, prop, fix) => {
    const message = errorOf(build);
    expect(message).toMatch(/^Invalid \w+ props \(\d+ problem\(s\)\):\n/);
    const line = message.split('\n').find((candidate) => candidate.startsWith(`  - ${prop}: `));
    expect(line).toBeDefined();
    expect(line).toContain(`. Fix: ${fix}`);
  });

  describe('for a Python caller (JSII_AGENT=Python/...), in Python', () => {
    beforeAll(() => { process.env.JSII_AGENT = 'Python/3.11.7'; });
    afterAll(() => { delete process.env.JSII_AGENT; });

    test.each(cases)('%s', (_case, build, prop) => {
      const message = errorOf(build);
      const line = message.split('\n').find((candidate) => candidate.startsWith(`  - ${pythonPath(prop)}: `));
      expect(line).toBeDefined();
      const code = line!.slice(`  - ${pythonPath(prop)}: `.length).replace(/'[^']*'|"[^"]*"/g, "''");
      expect(code).not.toMatch(/\b[a-z][a-z0-9]*[A-Z][A-Za-z0-9]*\b/);
      expect(code).not.toMatch(/\b(true|false|undefined)\b|[a-z]: (true|false|\d)|\{ /);
      expect(message.split(line!).length).toBe(2);
    });

    test('reads as Python, once', () => {
      const message = errorOf(platform({
        batch: { computeEnvironments: [{ name: 'cpu', minVcpus: 8, maxVcpus: 4 }] },
        ui: { tls: UiTls.plainHttp() },
      }));
      expect(message).toContain('  - batch.compute_environments[0].min_vcpus: (8) is greater than max_vcpus (4). Fix: lower min_vcpus or raise max_vcpus.');
      expect(message).toContain('set internet_facing=False');
      expect(message).toContain('UiTls.from_hosted_zone(hosted_zone=..., domain_name=...)');
      expect(message.match(/min_vcpus:/g)).toHaveLength(1);
    });

    test('the stack jsii prints above the RuntimeError is one line without the problems', () => {
      let stack: string | undefined;
      try {
        new MetaflowPlatform(new Stack(new App(), 'Test'), 'Metaflow', { ui: { tls: UiTls.plainHttp() } });
      } catch (error) {
        stack = (error as Error).stack;
      }
      expect(stack).toBe('MetaflowPlatform refused its props: the RuntimeError below lists every problem');
    });
  });

  test('a value of the wrong type shows its type', () => {
    expect(errorOf(environment({ maxVcpus: '96' as any }))).toContain("must be a whole number >= 1, got '96' (a string)");
  });
});
