import { readFileSync } from 'fs';
import { join } from 'path';
import { ExpectedResult, IApiCall, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { ArnFormat, Aws, aws_batch as batch, aws_ecs as ecs, aws_iam as iam, Duration, Size, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowHttpApi, MetaflowPlatform } from '../../src';

const FLOWS = join(__dirname, 'flows');
const FLOW_NAME = 'PlatformCheckFlow';
/** A public image, so the checks need no Docker Hub account and meet no rate limit. */
const PYTHON_IMAGE_URI = 'public.ecr.aws/docker/library/python:3.12-slim';
const PYTHON_IMAGE = ecs.ContainerImage.fromRegistry(PYTHON_IMAGE_URI);
/** The Metaflow version CI runs the flow with locally (`test/integ/flows/requirements.txt`). */
const METAFLOW_REQUIREMENT = readFileSync(join(FLOWS, 'requirements.txt'), 'utf8').trim();
/** The flow and its read-back check, handed to the jobs in environment variables. */
const FLOW_SOURCES = {
  FLOW_SOURCE: readFileSync(join(FLOWS, 'platform_check_flow.py'), 'utf8'),
  CHECK_SOURCE: readFileSync(join(FLOWS, 'check_latest_run.py'), 'utf8'),
};
/** The @parallel flow and its read-back check. */
const PARALLEL_FLOW_SOURCES = {
  FLOW_SOURCE: readFileSync(join(FLOWS, 'parallel_check_flow.py'), 'utf8'),
  CHECK_SOURCE: readFileSync(join(FLOWS, 'check_parallel_run.py'), 'utf8'),
};
/** A Batch job or a Step Functions execution gets this long to succeed. */
const WAIT = { totalTimeout: Duration.minutes(40), interval: Duration.seconds(30) };

/** Shell steps that install Metaflow and write the flow and its read-back check into /flow. */
const PREPARE_FLOW = [
  'set -eu',
  `pip install --quiet --disable-pip-version-check '${METAFLOW_REQUIREMENT}'`,
  'mkdir -p /flow && cd /flow',
  'printf "%s" "$FLOW_SOURCE" > flow.py',
  'printf "%s" "$CHECK_SOURCE" > check.py',
];

/**
 * What an integration test checks on a deployed platform, the way Metaflow and its users use it:
 * the public API with and without key, a real flow on Batch read back through the API, Step
 * Functions driven by a role with the user policy, a job per queue kind, the UI's targets and the
 * stored configuration. The job definitions and the client role are test resources of the stack.
 */
export class PlatformChecks extends Construct {
  private readonly stack: Stack;

  constructor(scope: Construct, id: string, private readonly platform: MetaflowPlatform, private readonly integ: IntegTest) {
    super(scope, id);
    this.stack = Stack.of(scope);
  }

  /**
   * `<METAFLOW_SERVICE_URL>ping` answers 200 `pong` with the API key and 403 with a wrong one. Without the header, the REST
   * API answers 403 and the HTTP API 401: its authorizer's cache key includes the header, so API Gateway refuses a request
   * that lacks it without calling the authorizer. The HTTP API's keep-alive function must succeed, which it does only when
   * its request crossed the VPC link and the service answered.
   */
  public pingPublicApi(): void {
    const api = this.platform.api!;
    const url = `${api.url}ping`;
    this.integ.assertions.httpApiCall(url, { headers: { 'x-api-key': this.apiKey } })
      .expect(ExpectedResult.objectLike({ status: 200, body: 'pong' }));
    this.integ.assertions.httpApiCall(url, { headers: { 'x-api-key': 'not-the-key' } }).expect(ExpectedResult.objectLike({ status: 403 }));
    this.integ.assertions.httpApiCall(url).expect(ExpectedResult.objectLike({ status: api instanceof MetaflowHttpApi ? 401 : 403 }));
    if (api instanceof MetaflowHttpApi) {
      this.integ.assertions.invokeFunction({ functionName: api.keepAliveFunction.functionName })
        .expect(ExpectedResult.objectLike({ StatusCode: 200, Payload: Match.stringLikeRegexp('"status":200') }));
    }
  }

  /**
   * A Batch job on `queueName`, running as the platform's job role, installs Metaflow and runs the
   * flow with the S3 datastore and the metadata service's internal URL, then reads the run back with
   * the client. Returns the assertion that the job succeeded.
   */
  public runFlowOnBatch(queueName?: string): IApiCall {
    const definition = this.jobDefinition('FlowJob', new batch.EcsEc2ContainerDefinition(this, 'FlowContainer', {
      image: PYTHON_IMAGE,
      cpu: 1,
      memory: Size.mebibytes(2048),
      jobRole: this.platform.batch.jobRole,
      command: ['sh', '-c', [...PREPARE_FLOW, 'python flow.py --no-pylint run', 'python check.py'].join(' && ')],
      environment: {
        ...FLOW_SOURCES,
        AWS_DEFAULT_REGION: Aws.REGION,
        METAFLOW_USER: 'integ',
        METAFLOW_DEFAULT_DATASTORE: 's3',
        METAFLOW_DATASTORE_SYSROOT_S3: this.platform.datastore.sysroot,
        METAFLOW_DEFAULT_METADATA: 'service',
        METAFLOW_SERVICE_URL: this.platform.metadataService.internalUrl,
      },
    }));
    return this.awaitJob('Flow', this.queue(queueName), definition);
  }

  /** After `flowSucceeded`, `GET <METAFLOW_SERVICE_URL>flows/<flow>/runs` with the key lists the run. */
  public readRunsThroughPublicApi(flowSucceeded: IApiCall): void {
    const runs = this.integ.assertions.httpApiCall(`${this.platform.api!.url}flows/${FLOW_NAME}/runs`, { headers: { 'x-api-key': this.apiKey } })
      .expect(ExpectedResult.objectLike({ status: 200, body: Match.arrayWith([Match.objectLike({ flow_id: FLOW_NAME, user_name: 'integ' })]) }));
    flowSucceeded.next(runs);
  }

  /**
   * A job running as a role with only the platform's user policy writes the stored configuration as
   * the configure command would, runs `step-functions create` and `trigger`; the execution must
   * succeed. The state machine Metaflow created is deleted afterwards, so the run leaves nothing behind.
   */
  public runFlowOnStepFunctions(): void {
    const definition = this.clientJobDefinition('StepFunctions', FLOW_SOURCES,
      ['python flow.py --no-pylint step-functions create', 'python flow.py step-functions trigger']);
    const created = this.awaitJob('StepFunctions', this.platform.batch.defaultJobQueue.jobQueueArn, definition);

    const stateMachineArn = this.stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: `${this.platform.stepFunctions!.stateMachinePrefix}_${FLOW_NAME}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const executions = this.integ.assertions.awsApiCall('SFN', 'listExecutions', { stateMachineArn })
      .expect(ExpectedResult.objectLike({ executions: Match.arrayWith([Match.objectLike({ status: 'SUCCEEDED' })]) }))
      .waitForAssertions(WAIT);
    executions.provider.addToRolePolicy({ Effect: 'Allow', Action: ['states:ListExecutions'], Resource: [stateMachineArn] });
    const cleanUp = this.integ.assertions.awsApiCall('SFN', 'deleteStateMachine', { stateMachineArn });
    cleanUp.provider.addToRolePolicy({ Effect: 'Allow', Action: ['states:DeleteStateMachine'], Resource: [stateMachineArn] });
    created.next(executions).next(cleanUp);
  }

  /**
   * A job running as a role with only the platform's user policy writes the stored configuration and
   * runs the @parallel flow with `--with batch` on the multi-node queue `queueName`: Metaflow submits a
   * two-node multi-node parallel job, whose worker reaches the main node over TCP. The job succeeds
   * when the run succeeded and its exchange reads back through the metadata service.
   */
  public runParallelFlowOnBatch(queueName: string): void {
    const definition = this.clientJobDefinition('ParallelFlow', PARALLEL_FLOW_SOURCES, [
      `METAFLOW_BATCH_JOB_QUEUE='${this.queue(queueName)}' METAFLOW_BATCH_CONTAINER_IMAGE=${PYTHON_IMAGE_URI} python flow.py --no-pylint run --with batch`,
      'python check.py',
    ]);
    this.awaitJob('ParallelFlow', this.platform.batch.defaultJobQueue.jobQueueArn, definition);
  }

  /** A job that runs `echo` on the queue of `queueName` reaches SUCCEEDED. */
  public echoOn(queueName: string, container: 'ec2' | 'gpu' | 'fargate'): void {
    const command = ['echo', `Metaflow platform check on ${queueName}`];
    const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable');
    const id = `Echo${queueName.replace(/[^A-Za-z0-9]/g, '')}`;
    const definition = this.jobDefinition(`${id}Job`, container === 'fargate'
      ? new batch.EcsFargateContainerDefinition(this, `${id}Container`, {
        image,
        command,
        cpu: 0.25,
        memory: Size.mebibytes(512),
        executionRole: this.platform.batch.executionRole,
        assignPublicIp: this.platform.network.computeSubnetsArePublic,
        fargatePlatformVersion: ecs.FargatePlatformVersion.LATEST,
      })
      : new batch.EcsEc2ContainerDefinition(this, `${id}Container`, {
        image, command, cpu: 1, memory: Size.mebibytes(512), gpu: container === 'gpu' ? 1 : undefined,
      }));
    this.awaitJob(id, this.queue(queueName), definition);
  }

  /** Every target of the UI's load balancer becomes healthy. */
  public uiTargetsHealthy(): void {
    const health = this.integ.assertions.awsApiCall('ElasticLoadBalancingV2', 'describeTargetHealth', { TargetGroupArn: this.platform.ui!.targetGroup.targetGroupArn })
      .expect(ExpectedResult.objectLike({ TargetHealthDescriptions: [Match.objectLike({ TargetHealth: Match.objectLike({ State: 'healthy' }) })] }))
      .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(20) });
    // The SDK's service name is not the IAM prefix, so the action the assertion derives would be wrong.
    health.provider.addToRolePolicy({ Effect: 'Allow', Action: ['elasticloadbalancing:DescribeTargetHealth'], Resource: ['*'] });
  }

  /** The stored configuration parses as JSON and holds every key the platform promises, secret keys included. */
  public storedConfigHasEveryKey(): void {
    const keys = [...Object.keys(this.platform.config.values), ...this.platform.config.secretKeys];
    this.integ.assertions.awsApiCall('SecretsManager', 'getSecretValue', { SecretId: this.platform.config.secret.secretArn })
      .expect(ExpectedResult.objectLike({
        SecretString: Match.serializedJson(Match.objectLike(Object.fromEntries(keys.map((key) => [key, Match.stringLikeRegexp('.+')])))),
      }));
  }

  /**
   * A job definition for a Metaflow user: a role with the platform's user policy only, which writes the stored
   * configuration as the configure command would, then runs `commands` in the folder of `sources`.
   */
  private clientJobDefinition(name: string, sources: Record<string, string>, commands: string[]): batch.EcsJobDefinition {
    const writeConfig = 'python -c "import boto3, os, pathlib; home = pathlib.Path.home() / \'.metaflowconfig\'; home.mkdir(exist_ok=True); '
      + '(home / \'config.json\').write_text(boto3.client(\'secretsmanager\').get_secret_value(SecretId=os.environ[\'CONFIG_SECRET_ARN\'])[\'SecretString\'])"';
    return this.jobDefinition(`${name}Job`, new batch.EcsEc2ContainerDefinition(this, `${name}Container`, {
      image: PYTHON_IMAGE,
      cpu: 1,
      memory: Size.mebibytes(2048),
      jobRole: this.clientRole,
      command: ['sh', '-c', [...PREPARE_FLOW, writeConfig, ...commands].join(' && ')],
      environment: { ...sources, AWS_DEFAULT_REGION: Aws.REGION, METAFLOW_USER: 'integ', CONFIG_SECRET_ARN: this.platform.config.secret.secretArn },
    }));
  }

  /** A Metaflow user: a role with the platform's user policy only, shared by the client jobs. */
  private get clientRole(): iam.Role {
    const existing = this.node.tryFindChild('ClientRole') as iam.Role | undefined;
    if (existing) {
      return existing;
    }
    const role = new iam.Role(this, 'ClientRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Integration test: a Metaflow user, with the platform\'s user policy only',
    });
    this.platform.grantClient(role);
    return role;
  }

  private get apiKey(): string {
    return this.platform.api!.apiKeySecret!.secretValue.unsafeUnwrap();
  }

  private queue(name?: string): string {
    return (name ? this.platform.batch.jobQueue(name) : this.platform.batch.defaultJobQueue).jobQueueArn;
  }

  private jobDefinition(id: string, container: batch.IEcsContainerDefinition): batch.EcsJobDefinition {
    return new batch.EcsJobDefinition(this, id, { container, timeout: Duration.minutes(30), retryAttempts: 1 });
  }

  /** Submits a job and waits until it has SUCCEEDED; returns the waiting assertion. */
  private awaitJob(name: string, jobQueue: string, definition: batch.EcsJobDefinition): IApiCall {
    const submitted = this.integ.assertions.awsApiCall('Batch', 'submitJob', {
      jobName: `metaflow-integ-${name}`, jobQueue, jobDefinition: definition.jobDefinitionArn,
    });
    const succeeded = this.integ.assertions.awsApiCall('Batch', 'describeJobs', { jobs: [submitted.getAttString('jobId')] })
      .expect(ExpectedResult.objectLike({ jobs: [Match.objectLike({ status: 'SUCCEEDED' })] }))
      .waitForAssertions(WAIT);
    submitted.next(succeeded);
    return succeeded;
  }
}
