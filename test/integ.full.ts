import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, aws_ec2 as ec2, aws_sns as sns, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ComputeEnvironmentKind, MetaflowPlatform, UiLogin } from '../src';
import { PlatformChecks } from './integ/platform-checks';

/*
 * Every queue kind (on-demand, Spot, GPU, Fargate, multi-node, and a Spot queue with on-demand fallback), the UI
 * on an internal load balancer, and the day-2 options (tags, a shared file system, alarms). A real
 * flow runs on the Spot-with-fallback queue; each other queue runs one job; the UI's target must
 * become healthy. A user's job runs a @parallel flow with --with batch on the multi-node queue (two
 * c6i.xlarge nodes: @batch asks for 4 GiB by default), whose containers need the NAT gateway for Metaflow's bootstrap. The GPU job needs a
 * G-instance vCPU quota of at least 4 in the account.
 */
const app = new App();
const stack = new Stack(app, 'MetaflowIntegFull');
const platform = new MetaflowPlatform(stack, 'Metaflow', {
  removalPolicy: RemovalPolicy.DESTROY,
  datastore: { autoDeleteObjects: true },
  network: { natGateways: 1 },
  batch: {
    computeEnvironments: [
      { name: 'cpu', maxVcpus: 16 },
      { name: 'spot', kind: ComputeEnvironmentKind.EC2_SPOT, maxVcpus: 16 },
      { name: 'gpu', gpu: true, maxVcpus: 8 },
      { name: 'fargate', kind: ComputeEnvironmentKind.FARGATE, maxVcpus: 4 },
      { name: 'multi-node', instanceTypes: [new ec2.InstanceType('c6i.xlarge')], maxVcpus: 8, multiNode: {} },
    ],
    jobQueues: [{ name: 'spot-with-fallback', computeEnvironments: ['spot', 'cpu'] }],
  },
  ui: { internetFacing: false, login: UiLogin.none() },
  tags: { 'metaflow-integ': 'full' },
  sharedStorage: {},
  monitoring: { alarmTopic: new sns.Topic(stack, 'IntegAlarms', { enforceSSL: true }) },
});

const integ = new IntegTest(app, 'MetaflowFullPlatform', { testCases: [stack] });
const checks = new PlatformChecks(stack, 'IntegChecks', platform, integ);
checks.pingPublicApi();
checks.readRunsThroughPublicApi(checks.runFlowOnBatch('spot-with-fallback'));
checks.echoOn('spot', 'ec2');
checks.echoOn('gpu', 'gpu');
checks.echoOn('fargate', 'fargate');
checks.runParallelFlowOnBatch('multi-node');
checks.uiTargetsHealthy();
checks.storedConfigHasEveryKey();
