import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { MetaflowPlatform, PublicApi } from '../src';
import { PlatformChecks } from './integ/platform-checks';

/*
 * A private platform: no API Gateway, clients inside the VPC use the internal URL. Nothing can be
 * called from outside, so the flow job reads its run back with the Metaflow client from inside the
 * VPC, and a user's job drives Step Functions with the stored configuration (internal URL only).
 */
const app = new App();
const stack = new Stack(app, 'MetaflowIntegPrivate');
const platform = new MetaflowPlatform(stack, 'Metaflow', {
  removalPolicy: RemovalPolicy.DESTROY,
  datastore: { autoDeleteObjects: true },
  api: PublicApi.disabled(),
});

const integ = new IntegTest(app, 'MetaflowPrivatePlatform', { testCases: [stack] });
const checks = new PlatformChecks(stack, 'IntegChecks', platform, integ);
checks.runFlowOnBatch();
checks.runFlowOnStepFunctions();
checks.storedConfigHasEveryKey();
