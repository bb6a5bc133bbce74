import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, aws_ec2 as ec2, aws_kms as kms, aws_s3 as s3, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { MetadataDatabase, MetaflowDatabase, MetaflowPlatform } from '../src';
import { PlatformChecks } from './integ/platform-checks';

/*
 * A platform in a VPC, on a KMS-encrypted bucket and on a metadata database that another stack owns,
 * as a team that brings its own network, data lake and database would deploy it (the data-stack
 * layout). The flow must write under the platform's prefixes of the adopted bucket with the
 * bucket's key, and its run must be read back from the adopted database through the public API.
 */
const app = new App();
const base = new Stack(app, 'MetaflowIntegBase');
const vpc = new ec2.Vpc(base, 'Vpc', {
  maxAzs: 2,
  natGateways: 0,
  subnetConfiguration: [
    { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: true },
    { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  ],
});
const encryptionKey = new kms.Key(base, 'DataKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
const bucket = new s3.Bucket(base, 'DataLake', {
  encryption: s3.BucketEncryption.KMS,
  encryptionKey,
  enforceSSL: true,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  removalPolicy: RemovalPolicy.DESTROY,
  autoDeleteObjects: true,
});

// No snapshot before the first migration here: a manual snapshot outlives the test's stacks.
const database = new MetaflowDatabase(base, 'Database', {
  vpc,
  vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
  removalPolicy: RemovalPolicy.DESTROY,
});

const stack = new Stack(app, 'MetaflowIntegBringYourOwn');
const platform = new MetaflowPlatform(stack, 'Metaflow', {
  removalPolicy: RemovalPolicy.DESTROY,
  network: { vpc },
  datastore: { bucket, sysrootPrefix: 'teams/vision/metaflow', datatoolsPrefix: 'teams/vision/data' },
  metadata: { database: MetadataDatabase.existingInstance(database.instance, { secret: database.secret }) },
});

const integ = new IntegTest(app, 'MetaflowBringYourOwnPlatform', { testCases: [base, stack] });
const checks = new PlatformChecks(stack, 'IntegChecks', platform, integ);
checks.pingPublicApi();
checks.readRunsThroughPublicApi(checks.runFlowOnBatch());
checks.storedConfigHasEveryKey();
