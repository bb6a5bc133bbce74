import { ArnFormat, aws_batch as batch, aws_ec2 as ec2, aws_iam as iam, aws_logs as logs, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { isFargateKind, validateBatchProps } from './batch-props-validation';
import { MetaflowComputeEnvironment } from './compute-environment';
import { MetaflowComputeEnvironmentOptions, MetaflowJobQueueOptions } from './compute-environment-options';
import { acknowledgeManagedPolicy, acknowledgeWildcardResources } from '../private/nag';

/** The log group the awslogs driver of Batch jobs writes to unless a job definition says otherwise. */
const BATCH_JOB_LOG_GROUP = '/aws/batch/job';

/**
 * Options for the AWS Batch part of a Metaflow platform.
 */
export interface MetaflowBatchOptions {
  /**
   * Compute environments, each with its own job queue unless it opts out.
   *
   * @default - one EC2 on-demand environment named 'cpu' (m6i, c6i, r6i; 0 to 64 vCPUs)
   */
  readonly computeEnvironments?: MetaflowComputeEnvironmentOptions[];

  /**
   * Extra job queues that span several compute environments in order, such as Spot first with an
   * on-demand fallback.
   *
   * @default - none
   */
  readonly jobQueues?: MetaflowJobQueueOptions[];

  /**
   * Name of the job queue Metaflow uses when a step names none (`METAFLOW_BATCH_JOB_QUEUE`):
   * an environment's name or a combined queue's name.
   *
   * @default - the first environment's queue, else the first combined queue
   */
  readonly defaultJobQueue?: string;

  /**
   * Set the retention of `/aws/batch/job`, where Batch jobs log unless a job definition says
   * otherwise. That log group is shared by every Batch job in the account and region, so this
   * changes it for all of them (and creates it if missing); it is kept when the stack is deleted.
   *
   * @default - the log group is left as it is (Batch creates it without retention: logs never expire)
   */
  readonly jobLogRetention?: logs.RetentionDays;
}

/**
 * Props of `MetaflowBatch`.
 */
export interface MetaflowBatchProps extends MetaflowBatchOptions {
  /** The VPC to run jobs in. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets to run jobs in.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * AWS Batch for Metaflow's `@batch` steps: compute environments that scale to zero, their job
 * queues, the role tasks run as and, when Fargate is used, the ECS task execution role.
 */
export class MetaflowBatch extends Construct {
  /** The security group of every instance and Fargate task; it allows no inbound traffic. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The compute environments, in the order given. */
  public readonly computeEnvironments: MetaflowComputeEnvironment[];
  /** Every job queue: one per environment that has one, then the combined queues. */
  public readonly jobQueues: batch.JobQueue[];
  /** The queue Metaflow uses when a step names none. */
  public readonly defaultJobQueue: batch.JobQueue;
  /** The role Batch tasks run as (`METAFLOW_ECS_S3_ACCESS_IAM_ROLE`). */
  public readonly jobRole: iam.Role;
  /** The role of the EC2 instances, when any EC2 environment exists. */
  public readonly instanceRole?: iam.Role;
  /** The ECS task execution role Fargate jobs need (`METAFLOW_ECS_FARGATE_EXECUTION_ROLE`), when any Fargate environment exists. */
  public readonly executionRole?: iam.Role;
  /** The retention setting of `/aws/batch/job`, when `jobLogRetention` is set. */
  public readonly jobLogRetention?: logs.LogRetention;

  private readonly queuesByName = new Map<string, batch.JobQueue>();

  constructor(scope: Construct, id: string, props: MetaflowBatchProps) {
    super(scope, id);
    const environmentOptions = props.computeEnvironments ?? [{ name: 'cpu' }];
    const combinedQueues = props.jobQueues ?? [];
    validateBatchProps({ computeEnvironments: environmentOptions, jobQueues: combinedQueues, defaultJobQueue: props.defaultJobQueue });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Metaflow Batch compute: no inbound traffic',
      allowAllOutbound: true,
    });

    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Role Metaflow tasks on AWS Batch run as',
    });
    const jobLogStreams = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: `${BATCH_JOB_LOG_GROUP}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.jobRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [jobLogStreams] }));
    acknowledgeWildcardResources(this.jobRole, [jobLogStreams], 'Batch names a log stream per job attempt; the grant is limited to the Batch job log group.');
    if (props.jobLogRetention !== undefined) {
      this.jobLogRetention = this.setJobLogRetention(props.jobLogRetention, jobLogStreams);
    }

    if (environmentOptions.some((options) => !isFargateOptions(options))) {
      this.instanceRole = roleWithManagedPolicy(this, 'InstanceRole', 'ec2.amazonaws.com',
        'Role of the EC2 instances of Metaflow Batch compute environments', 'service-role/AmazonEC2ContainerServiceforEC2Role');
    }
    if (environmentOptions.some(isFargateOptions)) {
      this.executionRole = roleWithManagedPolicy(this, 'ExecutionRole', 'ecs-tasks.amazonaws.com',
        'ECS task execution role of Metaflow Fargate jobs: pulls images and writes logs', 'service-role/AmazonECSTaskExecutionRolePolicy');
    }

    this.computeEnvironments = environmentOptions.map((options) => new MetaflowComputeEnvironment(this, options.name, {
      ...options,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroup: this.securityGroup,
      instanceRole: this.instanceRole,
    }));

    const environmentsByName = new Map(this.computeEnvironments.map((environment) => [environment.node.id, environment]));
    const queueScope = new Construct(this, 'JobQueues');
    const queueSpecs: JobQueueSpec[] = [
      ...environmentOptions
        .map((options, index) => ({ options, environment: this.computeEnvironments[index] }))
        .filter(({ options }) => options.createJobQueue !== false)
        .map(({ options, environment }) => ({
          name: options.name, environments: [environment], jobQueueName: options.jobQueueName, priority: options.jobQueuePriority,
        })),
      ...combinedQueues.map((options) => ({
        name: options.name,
        environments: options.computeEnvironments.map((name) => environmentsByName.get(name)!),
        jobQueueName: options.jobQueueName,
        priority: options.priority,
      })),
    ];
    for (const spec of queueSpecs) {
      this.queuesByName.set(spec.name, new batch.JobQueue(queueScope, spec.name, {
        jobQueueName: spec.jobQueueName,
        priority: spec.priority ?? 1,
        computeEnvironments: spec.environments.map(({ computeEnvironment }, index) => ({ computeEnvironment, order: index + 1 })),
      }));
    }
    this.jobQueues = [...this.queuesByName.values()];
    this.defaultJobQueue = this.jobQueue(props.defaultJobQueue ?? queueSpecs[0].name);
  }

  private setJobLogRetention(retention: logs.RetentionDays, jobLogGroupArn: string): logs.LogRetention {
    const role = roleWithManagedPolicy(this, 'JobLogRetentionRole', 'lambda.amazonaws.com',
      'Sets the retention of the Batch job log group', 'service-role/AWSLambdaBasicExecutionRole');
    // The function creates the group when no Batch job has run yet.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogGroup'], resources: [jobLogGroupArn] }));
    acknowledgeWildcardResources(role, [jobLogGroupArn], 'The ARN form of one log group (/aws/batch/job) ends in :*; no other group is reachable.');
    acknowledgeWildcardResources(role, ['*'], 'aws-cdk-lib\'s LogRetention grants its function Put/DeleteRetentionPolicy on *; it is only ever asked about /aws/batch/job.');
    return new logs.LogRetention(this, 'JobLogRetention', { logGroupName: BATCH_JOB_LOG_GROUP, retention, role });
  }

  /** The job queue of an environment or combined queue, by name. */
  public jobQueue(name: string): batch.JobQueue {
    const queue = this.queuesByName.get(name);
    if (!queue) {
      throw new Error(`MetaflowBatch has no job queue named '${name}'; queues: ${this.jobQueueNames.join(', ')}`);
    }
    return queue;
  }

  /** Names of the job queues, in the order of `jobQueues`. */
  public get jobQueueNames(): string[] {
    return [...this.queuesByName.keys()];
  }
}

interface JobQueueSpec {
  readonly name: string;
  readonly environments: MetaflowComputeEnvironment[];
  readonly jobQueueName?: string;
  readonly priority?: number;
}

function isFargateOptions(options: MetaflowComputeEnvironmentOptions): boolean {
  return isFargateKind(options.kind);
}

/** A role with one AWS managed policy that AWS maintains for exactly this service use. */
function roleWithManagedPolicy(scope: Construct, id: string, servicePrincipal: string, description: string, policyName: string): iam.Role {
  const policy = iam.ManagedPolicy.fromAwsManagedPolicyName(policyName);
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal(servicePrincipal), description, managedPolicies: [policy] });
  acknowledgeManagedPolicy(role, policyName, `${policyName} is the policy AWS maintains for this role; a copy would drift as the service evolves.`);
  return role;
}
