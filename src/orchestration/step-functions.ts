import {
  ArnFormat, aws_batch as batch, aws_dynamodb as dynamodb, aws_iam as iam, aws_kms as kms, aws_logs as logs,
  Names, RemovalPolicy, Stack, Token,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../private/nag';
import { PropErrors } from '../private/prop-errors';

/** The EventBridge rule Metaflow's Step Functions integration creates to follow Batch job events. */
const BATCH_EVENTS_RULE = 'StepFunctionsGetEventsForBatchJobsRule';
const PREFIX = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * Options for running Metaflow flows on AWS Step Functions.
 */
export interface MetaflowStepFunctionsOptions {
  /**
   * Prefix of the state machines Metaflow creates (`METAFLOW_SFN_STATE_MACHINE_PREFIX`), which also
   * scopes the EventBridge role to this deployment's state machines.
   *
   * @default - a name unique to this construct in its stack
   */
  readonly stateMachinePrefix?: string;

  /**
   * How long Step Functions execution history logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * KMS key that encrypts the state table.
   *
   * @default - an AWS-owned key
   */
  readonly tableEncryptionKey?: kms.IKey;

  /**
   * What happens to the state table when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Props of `MetaflowStepFunctions`.
 */
export interface MetaflowStepFunctionsProps extends MetaflowStepFunctionsOptions {
  /**
   * Job queues the state machines may submit to.
   *
   * @default - none; call `grantSubmitTo` for each queue
   */
  readonly jobQueues?: batch.IJobQueue[];
}

/**
 * What `metaflow step-functions create` needs: the DynamoDB state table, the Step Functions role,
 * the EventBridge role for `@schedule`, the execution log group and the state machine prefix.
 */
export class MetaflowStepFunctions extends Construct {
  /** The state table (`METAFLOW_SFN_DYNAMO_DB_TABLE`): partition key `pathspec`, TTL attribute `ttl`. */
  public readonly table: dynamodb.Table;
  /** The role state machines run as (`METAFLOW_SFN_IAM_ROLE`). */
  public readonly stateMachineRole: iam.Role;
  /** The role EventBridge uses to start scheduled runs (`METAFLOW_EVENTS_SFN_ACCESS_IAM_ROLE`). */
  public readonly eventsRole: iam.Role;
  /** The execution history log group (`METAFLOW_SFN_EXECUTION_LOG_GROUP_ARN`). */
  public readonly logGroup: logs.LogGroup;
  /** The state machine prefix (`METAFLOW_SFN_STATE_MACHINE_PREFIX`). */
  public readonly stateMachinePrefix: string;

  private readonly submitJobStatement: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: MetaflowStepFunctionsProps = {}) {
    super(scope, id);
    const errors = new PropErrors('MetaflowStepFunctions');
    errors.check(props.stateMachinePrefix === undefined || PREFIX.test(props.stateMachinePrefix), 'stateMachinePrefix',
      `'${props.stateMachinePrefix}' is not a valid prefix`, 'use 1-40 letters, digits, hyphens and underscores');
    errors.throwIfAny();

    const stack = Stack.of(this);
    this.stateMachinePrefix = props.stateMachinePrefix ?? defaultPrefix(this);

    this.table = new dynamodb.Table(this, 'StateTable', {
      partitionKey: { name: 'pathspec', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'ttl',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: props.tableEncryptionKey ? dynamodb.TableEncryption.CUSTOMER_MANAGED : dynamodb.TableEncryption.AWS_MANAGED,
      encryptionKey: props.tableEncryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.logGroup = new logs.LogGroup(this, 'ExecutionLogGroup', {
      // The /aws/vendedlogs/ prefix keeps Step Functions log delivery from growing the account's log resource policy.
      logGroupName: `/aws/vendedlogs/states/${this.stateMachinePrefix}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const stateMachines = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: `${this.stateMachinePrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const executions = stack.formatArn({ service: 'states', resource: 'execution', resourceName: `${this.stateMachinePrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    this.stateMachineRole = new iam.Role(this, 'StateMachineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'Role of the state machines Metaflow creates',
    });
    const jobDefinitions = stack.formatArn({ service: 'batch', resource: 'job-definition', resourceName: '*' });
    this.submitJobStatement = new iam.PolicyStatement({ actions: ['batch:SubmitJob'], resources: [jobDefinitions] });
    this.stateMachineRole.addToPrincipalPolicy(this.submitJobStatement);
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
      // Batch supports no resource-level permissions for these.
      actions: ['batch:DescribeJobs', 'batch:DescribeJobDefinitions', 'batch:DescribeJobQueues', 'batch:RegisterJobDefinition', 'batch:TerminateJob', 'batch:TagResource'],
      resources: ['*'],
    }));
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: BATCH_EVENTS_RULE })],
    }));
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
      // CloudWatch Logs delivery for Step Functions is configured through account-level APIs only.
      actions: [
        'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries',
        'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
      ],
      resources: ['*'],
    }));
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
      // Distributed map states start child executions of the flow's own state machine.
      actions: ['states:StartExecution', 'states:DescribeExecution', 'states:StopExecution'],
      resources: [stateMachines, executions],
    }));
    this.grantTableAccess(this.stateMachineRole);
    for (const queue of props.jobQueues ?? []) {
      this.grantSubmitTo(queue);
    }

    this.eventsRole = new iam.Role(this, 'EventsRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Role EventBridge uses to start scheduled Metaflow state machines',
    });
    this.eventsRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachines] }));

    const ownStateMachines = 'Metaflow names state machines <prefix>_<flow> at `step-functions create` time; the grant is limited to this deployment\'s prefix.';
    acknowledgeWildcardResources(this.eventsRole, [stateMachines], ownStateMachines);
    acknowledgeWildcardResources(this.stateMachineRole, [stateMachines, executions], ownStateMachines);
    acknowledgeWildcardResources(this.stateMachineRole, [jobDefinitions],
      'Metaflow registers a job definition per step and version at deploy time; submission is limited to the platform\'s queues.');
    acknowledgeWildcardResources(this.stateMachineRole, ['*'],
      'Batch Describe*/RegisterJobDefinition/TerminateJob/TagResource and CloudWatch Logs delivery APIs support no resource-level permissions.');
  }

  /** Lets the state machines submit jobs to `queue`. */
  public grantSubmitTo(queue: batch.IJobQueue): void {
    this.submitJobStatement.addResources(queue.jobQueueArn);
  }

  /** Grants what Metaflow tasks need on the state table: read, write and update items. */
  public grantTableAccess(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }
}

/** `<stack name>-<hash of the construct path>`: unique per deployment, readable in the console. */
function defaultPrefix(scope: Construct): string {
  const stackName = Stack.of(scope).stackName;
  const hash = Names.uniqueId(scope).slice(-8);
  if (Token.isUnresolved(stackName)) {
    return Names.uniqueResourceName(scope, { maxLength: 40, separator: '-' });
  }
  return `${stackName.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 31)}-${hash}`;
}
