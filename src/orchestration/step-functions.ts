import {
  aws_batch as batch, aws_dynamodb as dynamodb, aws_iam as iam, aws_kms as kms, aws_logs as logs,
  Names, RemovalPolicy, Stack,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { stateMachineNamedArn } from './state-machine-names';
import { validateStepFunctionsOptions } from './step-functions-props-validation';
import { batchJobsArn, metaflowJobDefinitionsArn } from '../compute/batch-names';
import { acknowledgeWildcardActions, acknowledgeWildcardResources, skipCheckovChecks } from '../private/nag';
import { validateOrThrow } from '../private/prop-errors';

/** The EventBridge rule Step Functions manages to follow the Batch jobs a `.sync` task submits. */
const BATCH_EVENTS_RULE = 'StepFunctionsGetEventsForBatchJobsRule';
/** State machine names are `<prefix>_<flow>` and at most 80 characters; a short prefix leaves room for flow names. */
const DEFAULT_PREFIX_LENGTH = 20;

/**
 * Options for running Metaflow flows on AWS Step Functions.
 */
export interface MetaflowStepFunctionsOptions {
  /**
   * Prefix of the state machines Metaflow creates (`METAFLOW_SFN_STATE_MACHINE_PREFIX`), which also
   * scopes the roles to this deployment's state machines. State machines are named
   * `<prefix>_<flow name>` within Step Functions' 80-character limit, so every character of the
   * prefix is one less for flow names. 1 to 40 letters, digits, hyphens and underscores.
   *
   * @default - at most 20 characters: the start of the stack name and a hash of the construct path, unique per deployment
   */
  readonly stateMachinePrefix?: string;

  /**
   * How long Step Functions execution history logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * KMS key that encrypts the state table. Every role granted table access may also use the key.
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
   * @default - none; grant each queue yourself (grantSubmitTo in TypeScript, grant_submit_to in Python)
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
  private readonly tagStatement = new iam.PolicyStatement({ actions: ['batch:TagResource'] });

  constructor(scope: Construct, id: string, props: MetaflowStepFunctionsProps = {}) {
    super(scope, id);
    validateOrThrow('MetaflowStepFunctions', props, validateStepFunctionsOptions);
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
    if (!props.tableEncryptionKey) {
      skipCheckovChecks(this.table, [{ id: 'CKV_AWS_119', comment: 'Encrypted with an AWS owned key by default; tableEncryptionKey takes a customer key.' }]);
    }

    this.logGroup = new logs.LogGroup(this, 'ExecutionLogGroup', {
      // The /aws/vendedlogs/ prefix keeps Step Functions log delivery from growing the account's log resource policy.
      logGroupName: `/aws/vendedlogs/states/${this.stateMachinePrefix}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachineRole = new iam.Role(this, 'StateMachineRole', {
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'Role of the state machines Metaflow creates',
    });
    this.submitJobStatement = this.grantBatchJobs();
    this.grantBatchEventsRule();
    this.grantLogDelivery();
    this.grantChildExecutions();
    this.grantTableAccess(this.stateMachineRole);
    for (const queue of props.jobQueues ?? []) {
      this.grantSubmitTo(queue);
    }

    this.eventsRole = new iam.Role(this, 'EventsRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Role EventBridge uses to start scheduled Metaflow state machines',
    });
    this.eventsRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [this.stateMachineArns] }));
    acknowledgeWildcardResources(this.eventsRole, [this.stateMachineArns], OWN_STATE_MACHINES);
  }

  /** Lets the state machines submit jobs to `queue`. */
  public grantSubmitTo(queue: batch.IJobQueue): void {
    this.submitJobStatement.addResources(queue.jobQueueArn);
    this.tagStatement.addResources(queue.jobQueueArn);
  }

  /** Grants what Metaflow tasks need on the state table: read, write and update items, with the table's key if it has one. */
  public grantTableAccess(grantee: iam.IGrantable): iam.Grant {
    // Table.grant leaves the customer key out; without it every foreach on Step Functions fails.
    this.table.encryptionKey?.grantEncryptDecrypt(grantee);
    if (this.table.encryptionKey) {
      acknowledgeWildcardActions(grantee, ['kms:ReEncrypt*', 'kms:GenerateDataKey*'],
        'The standard encrypt/decrypt grant on the one key of the state table; the action families cover the variants DynamoDB calls.');
    }
    return this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }

  /** ARNs of this deployment's state machines (`<prefix>_*`). */
  private get stateMachineArns(): string {
    return stateMachineNamedArn(this, this.stateMachinePrefix, 'states', 'stateMachine');
  }

  /** ARNs of their executions, distributed map child runs included. */
  private get executionArns(): string {
    return stateMachineNamedArn(this, this.stateMachinePrefix, 'states', 'execution');
  }

  /** SubmitJob on Metaflow's job definitions (queues are added by `grantSubmitTo`); follow and stop the jobs. */
  private grantBatchJobs(): iam.PolicyStatement {
    const jobDefinitions = metaflowJobDefinitionsArn(this);
    const submitJob = new iam.PolicyStatement({ actions: ['batch:SubmitJob'], resources: [jobDefinitions] });
    this.stateMachineRole.addToPrincipalPolicy(submitJob);
    // The client registers job definitions at `step-functions create` time; the state machine only submits, follows and stops jobs.
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['batch:DescribeJobs'], resources: ['*'] }));
    const jobs = batchJobsArn(this);
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['batch:TerminateJob'], resources: [jobs] }));
    // Metaflow tags the jobs it submits (METAFLOW_BATCH_EMIT_TAGS); the queues are added with the SubmitJob grant.
    this.stateMachineRole.addToPrincipalPolicy(this.tagStatement);
    this.tagStatement.addResources(jobs);
    acknowledgeWildcardResources(this.stateMachineRole, [jobs], JOBS_AT_RUN_TIME);
    acknowledgeWildcardResources(this.stateMachineRole, [jobDefinitions],
      'Metaflow registers a job definition per step and version (metaflow_<hash>); submission is limited to those and the platform\'s queues.');
    return submitJob;
  }

  /** The rule Step Functions manages for `.sync` Batch tasks, limited to Batch job events as Metaflow's Terraform module does. */
  private grantBatchEventsRule(): void {
    const rule = Stack.of(this).formatArn({ service: 'events', resource: 'rule', resourceName: BATCH_EVENTS_RULE });
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['events:PutTargets', 'events:DescribeRule'], resources: [rule] }));
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['events:PutRule'],
      resources: [rule],
      conditions: { StringEquals: { 'events:detail-type': 'Batch Job State Change' } },
    }));
  }

  private grantLogDelivery(): void {
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: [
        'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery', 'logs:ListLogDeliveries',
        'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
      ],
      resources: ['*'],
    }));
    acknowledgeWildcardResources(this.stateMachineRole, ['*'],
      'batch:DescribeJobs and these CloudWatch Logs delivery actions support no resource-level permissions (Step Functions documents them on * for Batch .sync tasks and log delivery).');
  }

  /** Distributed map states start, follow, stop and redrive child executions of the flow's own state machine. */
  private grantChildExecutions(): void {
    this.stateMachineRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['states:StartExecution', 'states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
      resources: [this.stateMachineArns, this.executionArns],
    }));
    acknowledgeWildcardResources(this.stateMachineRole, [this.stateMachineArns, this.executionArns], OWN_STATE_MACHINES);
  }
}

const JOBS_AT_RUN_TIME = 'Batch gives a job its id when it is submitted, so stopping and tagging (at submission) the jobs a run starts needs job/*.';
const OWN_STATE_MACHINES = 'Metaflow names state machines <prefix>_<flow> at `step-functions create` time; the grant is limited to <prefix>_*.';

/** `<start of the stack name>-<hash of the construct path>`: unique per deployment, readable, at most 20 characters. */
function defaultPrefix(scope: Construct): string {
  // aws-cdk-lib requires stack names of letters, digits and hyphens, known at synth time.
  const hash = Names.uniqueId(scope).slice(-8);
  return `${Stack.of(scope).stackName.slice(0, DEFAULT_PREFIX_LENGTH - hash.length - 1)}-${hash}`;
}
