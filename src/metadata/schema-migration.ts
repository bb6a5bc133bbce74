import {
  aws_ec2 as ec2, aws_ecs as ecs, aws_iam as iam, aws_lambda as lambda, aws_logs as logs, CustomResource, custom_resources as cr,
  Duration, RemovalPolicy, Stack,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SCHEMA_MIGRATION_HANDLER } from './schema-migration-handler';
import { acknowledgeManagedPolicy, acknowledgeRule, acknowledgeWildcardResources } from '../private/nag';
import { PropErrors } from '../private/prop-errors';

const LAMBDA_BASIC_EXECUTION = 'service-role/AWSLambdaBasicExecutionRole';
/** The Lambda function's own limit, less a margin for starting the task and reporting back. */
const MAX_MIGRATION_TIMEOUT = Duration.minutes(13);

/**
 * Props of `MetaflowSchemaMigration`.
 */
export interface MetaflowSchemaMigrationProps {
  /** The cluster to run the migration task in. */
  readonly cluster: ecs.ICluster;
  /** The Fargate task definition whose container runs the migration and exits. */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** Name of the container whose exit code decides success. */
  readonly containerName: string;
  /** The log group the migration container writes to (named in failure messages). */
  readonly taskLogGroup: logs.ILogGroup;
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** Subnets to run the task in (they must reach the database and the image registry). */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Security groups of the task. */
  readonly securityGroups: ec2.ISecurityGroup[];
  /** Give the task a public IP (needed in public subnets to pull images). */
  readonly assignPublicIp: boolean;

  /**
   * How long the migration may take, at most 13 minutes.
   *
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;

  /**
   * Retention of the handler's logs.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Brings the metadata database schema up to date during `cdk deploy`: a custom resource runs the
 * migration task whenever its task definition changes (new image, new database) and fails the
 * deployment, naming the exit code and log group, if the migration fails. Make the service depend
 * on it so that new service versions start only on an up-to-date schema.
 */
export class MetaflowSchemaMigration extends Construct {
  /** The custom resource; depend on it to run after the migration. */
  public readonly resource: CustomResource;
  /** The function that runs and watches the migration task. */
  public readonly handler: lambda.Function;

  constructor(scope: Construct, id: string, props: MetaflowSchemaMigrationProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(10);
    const errors = new PropErrors('MetaflowSchemaMigration');
    errors.check(timeout.isUnresolved() || timeout.toSeconds() <= MAX_MIGRATION_TIMEOUT.toSeconds(), 'timeout',
      `${timeout.toHumanString()} exceeds 13 minutes, the most a deploy-time Lambda can wait`, 'use at most Duration.minutes(13)');
    errors.throwIfAny();
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;

    this.handler = new lambda.Function(this, 'Handler', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(SCHEMA_MIGRATION_HANDLER),
      timeout: MAX_MIGRATION_TIMEOUT.plus(Duration.minutes(1)),
      description: 'Runs the Metaflow metadata schema migration task and waits for it',
      logGroup: new logs.LogGroup(this, 'HandlerLogs', { retention, removalPolicy: RemovalPolicy.DESTROY }),
    });
    props.taskDefinition.grantRun(this.handler);
    const tasks = Stack.of(this).formatArn({ service: 'ecs', resource: 'task', resourceName: `${props.cluster.clusterName}/*` });
    this.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTasks'], resources: [tasks] }));
    acknowledgeWildcardResources(this.handler.role, [tasks], 'Task ids are assigned at run time; the grant covers tasks of the platform\'s cluster only.');
    acknowledgeManagedPolicy(this.handler.role!, LAMBDA_BASIC_EXECUTION, 'The AWS managed basic execution policy only lets the function write its own logs.');

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler,
      logGroup: new logs.LogGroup(this, 'ProviderLogs', { retention, removalPolicy: RemovalPolicy.DESTROY }),
    });
    acknowledgeProviderFindings(provider);

    const subnets = props.vpc.selectSubnets(props.vpcSubnets).subnetIds;
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::MetaflowSchemaMigration',
      properties: {
        Cluster: props.cluster.clusterArn,
        TaskDefinition: props.taskDefinition.taskDefinitionArn,
        ContainerName: props.containerName,
        Subnets: subnets,
        SecurityGroups: props.securityGroups.map((group) => group.securityGroupId),
        AssignPublicIp: props.assignPublicIp ? 'ENABLED' : 'DISABLED',
        LogGroup: props.taskLogGroup.logGroupName,
        TimeoutSeconds: timeout.toSeconds(),
        PollSeconds: 10,
      },
    });
  }
}

function acknowledgeProviderFindings(provider: cr.Provider): void {
  const framework = provider.node.findChild('framework-onEvent') as lambda.Function;
  acknowledgeManagedPolicy(framework.role!, LAMBDA_BASIC_EXECUTION,
    'The custom resource framework function writes only its own logs with the AWS managed basic execution policy.');
  acknowledgeWildcardResources(framework.role, [`${provider.onEventHandler.functionArn}:*`],
    'The framework invokes any published version of the migration handler, which the provider owns alone.');
  acknowledgeRule(framework, 'L1', 'aws-cdk-lib\'s custom resource framework picks and updates this function\'s runtime.');
}
