import { aws_batch as batch, aws_ec2 as ec2, aws_ecr as ecr, aws_iam as iam, aws_logs as logs, CustomResource, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BATCH_JOB_LOG_GROUP } from './batch-names';
import { isFargateKind, validateBatchOptions } from './batch-props-validation';
import { MetaflowComputeEnvironment } from './compute-environment';
import { MetaflowComputeEnvironmentOptions, MetaflowJobQueueOptions } from './compute-environment-options';
import { MetaflowImageRepositoryOptions } from './image-repository';
import { computePlacementOf, warnIfAdoptedPublicCompute } from '../network/subnet-placement';
import { acknowledgeManagedPolicy, acknowledgeWildcardResources, skipCheckovChecks } from '../private/nag';
import { PropErrors } from '../private/prop-errors';
import { setSharedLogGroupRetention } from '../private/shared-log-group-retention';


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

  /**
   * An existing role for Batch tasks to run as (`METAFLOW_ECS_S3_ACCESS_IAM_ROLE`), for example one
   * a security team owns. It must trust `ecs-tasks.amazonaws.com`. The platform adds its grants to
   * it (datastore, state table) unless it was imported with `mutable: false`; then grant them yourself.
   *
   * @default - a new role
   */
  readonly jobRole?: iam.IRole;

  /**
   * The image of steps that name none (`METAFLOW_BATCH_CONTAINER_IMAGE`), for example
   * `public.ecr.aws/docker/library/python:3.12` or an image of your registry.
   *
   * @default - the image repository's default image when there is one, else Metaflow's own default
   *            (`python:<major.minor of the client>` from Docker Hub)
   */
  readonly containerImage?: string;

  /**
   * Registry Metaflow puts in front of every image named without one, Metaflow's default image
   * included (`METAFLOW_BATCH_CONTAINER_REGISTRY`), for example an ECR pull-through cache.
   *
   * @default - none: images without a registry come from Docker Hub
   */
  readonly containerRegistry?: string;

  /**
   * An ECR repository for step images: scanned on push, keeping the latest images, retained by
   * default; Batch pulls from it and Metaflow users may push to it.
   *
   * @default - no repository
   */
  readonly imageRepository?: MetaflowImageRepositoryOptions;
}

/**
 * Props of `MetaflowBatch`.
 */
export interface MetaflowBatchProps extends MetaflowBatchOptions {
  /** The VPC to run jobs in. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets to run jobs in. They need a route to AWS APIs and image registries: a NAT gateway, VPC
   * endpoints, or (public subnets) public IPs, which Batch's EC2 instances get only where the subnet
   * auto-assigns them.
   *
   * @default - the platform's rule: private subnets with egress if the VPC has them, otherwise public
   *            subnets; never isolated subnets, where jobs could not start
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
  /** The role Batch tasks run as (`METAFLOW_ECS_S3_ACCESS_IAM_ROLE`): the one given, or a new one. */
  public readonly jobRole: iam.IRole;
  /** The role of the EC2 instances, when any EC2 environment exists. */
  public readonly instanceRole?: iam.Role;
  /** The ECS task execution role Fargate jobs need (`METAFLOW_ECS_FARGATE_EXECUTION_ROLE`), when any Fargate environment exists. */
  public readonly executionRole?: iam.Role;
  /** The subnets jobs run in. */
  public readonly vpcSubnets: ec2.SubnetSelection;
  /** The custom resource that sets the retention of `/aws/batch/job`, when `jobLogRetention` is set. */
  public readonly jobLogRetention?: CustomResource;
  /** The ECR repository for step images, when `imageRepository` is set. */
  public readonly imageRepository?: ecr.Repository;
  /** The image of steps that name none (`METAFLOW_BATCH_CONTAINER_IMAGE`), when the platform sets one. */
  public readonly containerImage?: string;
  /** The registry of images named without one (`METAFLOW_BATCH_CONTAINER_REGISTRY`), when set. */
  public readonly containerRegistry?: string;

  private readonly queuesByName = new Map<string, batch.JobQueue>();

  constructor(scope: Construct, id: string, props: MetaflowBatchProps) {
    super(scope, id);
    const environmentOptions = props.computeEnvironments ?? [{ name: 'cpu' }];
    const combinedQueues = props.jobQueues ?? [];
    const errors = PropErrors.for('MetaflowBatch');
    const placement = computePlacementOf(props.vpc, props.vpcSubnets, errors, 'vpcSubnets');
    validateBatchOptions({
      computeEnvironments: environmentOptions,
      jobQueues: combinedQueues,
      defaultJobQueue: props.defaultJobQueue,
      imageRepository: props.imageRepository,
      jobLogRetention: props.jobLogRetention,
      computeSubnetsArePublic: placement.isPublic,
    }, errors);
    errors.throwIfAny();
    this.vpcSubnets = placement.selection;
    warnIfAdoptedPublicCompute(this, placement, !(props.vpc instanceof ec2.Vpc));

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Metaflow Batch compute: no inbound traffic',
      allowAllOutbound: true,
    });

    // No logs grant: the awslogs driver writes job output with the instance role (EC2) or the execution role (Fargate).
    this.jobRole = props.jobRole ?? new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Role Metaflow tasks on AWS Batch run as',
    });
    if (props.jobLogRetention !== undefined) {
      this.jobLogRetention = setSharedLogGroupRetention(this, 'JobLogRetention', {
        logGroupName: BATCH_JOB_LOG_GROUP, retention: props.jobLogRetention, resourceType: 'Custom::MetaflowBatchJobLogRetention',
      });
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
      vpcSubnets: this.vpcSubnets,
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

    if (props.imageRepository) {
      this.imageRepository = this.createImageRepository(props.imageRepository);
    }
    this.containerImage = props.containerImage ?? (this.imageRepository && (props.imageRepository?.useAsDefaultImage ?? true)
      // A full URI carries its registry, so Metaflow leaves it as it is (plugins/aws/batch/batch_decorator.py).
      ? this.imageRepository.repositoryUriForTag(props.imageRepository?.defaultImageTag ?? 'latest')
      : undefined);
    this.containerRegistry = props.containerRegistry;
  }

  private createImageRepository(options: MetaflowImageRepositoryOptions): ecr.Repository {
    const repository = new ecr.Repository(this, 'ImageRepository', {
      repositoryName: options.repositoryName,
      imageScanOnPush: true,
      imageTagMutability: options.imageTagMutability ?? ecr.TagMutability.MUTABLE,
      lifecycleRules: [{ description: 'Keep the latest images', maxImageCount: options.maxImageCount ?? 30 }],
      removalPolicy: options.removalPolicy ?? RemovalPolicy.RETAIN,
      encryption: options.encryptionKey ? ecr.RepositoryEncryption.KMS : ecr.RepositoryEncryption.AES_256,
      encryptionKey: options.encryptionKey,
    });
    // checkov reads these from the template: each default is a choice the options can change.
    const skips = [
      ...(options.encryptionKey ? [] : [{ id: 'CKV_AWS_136', comment: 'Images are encrypted with AES-256 by ECR; imageRepository.encryptionKey takes a KMS key.' }]),
      ...((options.imageTagMutability ?? ecr.TagMutability.MUTABLE) === ecr.TagMutability.MUTABLE
        ? [{ id: 'CKV_AWS_51', comment: 'Mutable tags let a team move a default tag such as latest; imageTagMutability IMMUTABLE pins them.' }] : []),
    ];
    skipCheckovChecks(repository, skips);
    for (const role of [this.instanceRole, this.executionRole]) {
      if (role) {
        repository.grantPull(role);
        acknowledgeWildcardResources(role, ['*'], 'ecr:GetAuthorizationToken supports no resource-level permissions; pulls are limited to the image repository.');
      }
    }
    return repository;
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
