import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { MetaflowPlatform } from '../src';
import { PlatformChecks } from './integ/platform-checks';

/*
 * The default platform, made removable (data is retained by default; a test run must leave nothing
 * behind). With credentials, `npx projen integ:deploy` deploys it, pings the public API with and
 * without the key, runs a real flow on Batch and reads it back through the API, schedules the flow
 * on Step Functions as a user would, checks the stored configuration, then destroys it.
 */
const app = new App();
const stack = new Stack(app, 'MetaflowIntegDefault');
const platform = new MetaflowPlatform(stack, 'Metaflow', {
  removalPolicy: RemovalPolicy.DESTROY,
  datastore: { autoDeleteObjects: true },
});

const integ = new IntegTest(app, 'MetaflowDefaultPlatform', { testCases: [stack] });
const checks = new PlatformChecks(stack, 'IntegChecks', platform, integ);
checks.pingPublicApi();
checks.readRunsThroughPublicApi(checks.runFlowOnBatch());
checks.runFlowOnStepFunctions();
checks.storedConfigHasEveryKey();
