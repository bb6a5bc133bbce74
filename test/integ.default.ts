import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { MetaflowPlatform } from '../src';

/*
 * The default platform, except that it is removable: data is retained by default, and a test
 * deployment must leave nothing behind. Offline, `integ-runner` checks the committed snapshot;
 * with AWS credentials, `npx projen integ:deploy` deploys it, waits until the metadata service
 * runs (which needs the database and the schema migration), then destroys it.
 */
const app = new App();
const stack = new Stack(app, 'MetaflowIntegDefault');
const platform = new MetaflowPlatform(stack, 'Metaflow', { removalPolicy: RemovalPolicy.DESTROY });

const integ = new IntegTest(app, 'MetaflowDefaultPlatform', { testCases: [stack] });

integ.assertions
  .awsApiCall('ECS', 'describeServices', {
    cluster: platform.metadata!.cluster.clusterArn,
    services: [platform.metadata!.service.serviceArn],
  })
  .expect(ExpectedResult.objectLike({ services: [{ runningCount: 1 }] }))
  .waitForAssertions();
