import {
  aws_ec2 as ec2, aws_ecs as ecs, aws_iam as iam, aws_lambda as lambda, aws_logs as logs, CustomResource, Duration, Stack,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SCHEMA_MIGRATION_HANDLER } from './schema-migration-handler';
import { MAX_MIGRATION_TIMEOUT, validateMigrationTimeout } from './schema-migration-validation';
import { InlineProvider } from '../private/inline-provider';
import { acknowledgeWildcardResources } from '../private/nag';
import { PropErrors } from '../private/prop-errors';


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
    const errors = PropErrors.for('MetaflowSchemaMigration');
    validateMigrationTimeout(props.timeout, errors.at('timeout'));
    errors.throwIfAny();

    const provider = new InlineProvider(this, 'Provider', {
      code: SCHEMA_MIGRATION_HANDLER,
      description: 'Runs the Metaflow metadata schema migration task and waits for it',
      timeout: MAX_MIGRATION_TIMEOUT.plus(Duration.minutes(1)),
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.handler = provider.handler;
    props.taskDefinition.grantRun(this.handler);
    const tasks = Stack.of(this).formatArn({ service: 'ecs', resource: 'task', resourceName: `${props.cluster.clusterName}/*` });
    this.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTasks'], resources: [tasks] }));
    acknowledgeWildcardResources(this.handler.role, [tasks], 'Task ids are assigned at run time; the grant covers tasks of the platform\'s cluster only.');

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
