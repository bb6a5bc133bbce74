import { aws_batch as batch, aws_ec2 as ec2, Size } from 'aws-cdk-lib';
import { ComputeAccelerator } from './compute-accelerator';
import { MetaflowMultiNodeOptions } from './multi-node-options';

/**
 * Where a compute environment gets its capacity.
 */
export enum ComputeEnvironmentKind {
  /** EC2 on-demand instances. */
  EC2_ON_DEMAND = 'EC2_ON_DEMAND',
  /** EC2 Spot instances: up to 90% cheaper, may be reclaimed with two minutes' notice. */
  EC2_SPOT = 'EC2_SPOT',
  /** AWS Fargate: no instances to manage, quick to start; no GPUs. */
  FARGATE = 'FARGATE',
  /** AWS Fargate Spot: Fargate capacity at a discount, may be reclaimed. */
  FARGATE_SPOT = 'FARGATE_SPOT',
}

/**
 * One AWS Batch compute environment of the platform and, unless turned off, the job queue in
 * front of it.
 */
export interface MetaflowComputeEnvironmentOptions {
  /**
   * Short name of the environment, unique within the platform. It names the constructs, the
   * stack output of its job queue, and is how `MetaflowBatchOptions.jobQueues` and
   * `defaultJobQueue` refer to it. Letters, digits and hyphens, starting with a letter.
   */
  readonly name: string;

  /**
   * Where capacity comes from.
   *
   * @default ComputeEnvironmentKind.EC2_ON_DEMAND
   */
  readonly kind?: ComputeEnvironmentKind;

  /**
   * Run on GPU instances with the ECS GPU-optimised AMI. EC2 kinds only. The same as
   * `accelerator: ComputeAccelerator.NVIDIA_GPU`.
   *
   * @default false
   */
  readonly gpu?: boolean;

  /**
   * The accelerators of the instances, which pick the AMI and the default instance families:
   * NVIDIA GPUs or AWS Trainium and Inferentia (Neuron). EC2 kinds only.
   *
   * @default - `ComputeAccelerator.NVIDIA_GPU` when `gpu` is true, else `ComputeAccelerator.NONE`
   */
  readonly accelerator?: ComputeAccelerator;

  /**
   * Prepare the environment for multi-node parallel jobs (`@parallel` steps with `@batch`): a
   * cluster placement group in one Availability Zone, a security group that admits all traffic
   * between the environment's nodes and nothing else, and optionally EFA interfaces. Kind
   * EC2_ON_DEMAND only, with exactly one instance type (Batch runs every node of a job on the same type).
   *
   * @default - none: the environment runs single-node jobs, and its instances admit no inbound traffic
   */
  readonly multiNode?: MetaflowMultiNodeOptions;

  /**
   * Instance types to launch, in addition to `instanceClasses`. EC2 kinds only.
   *
   * @default - none; the instance classes decide
   */
  readonly instanceTypes?: ec2.InstanceType[];

  /**
   * Instance families to launch (every size of each). EC2 kinds only.
   *
   * @default - current-generation families: m6i, c6i and r6i; g4dn and g5 for NVIDIA GPUs; trn1
   *            and inf2 for Neuron. None when instance types are given.
   */
  readonly instanceClasses?: ec2.InstanceClass[];

  /**
   * vCPUs kept running when no job runs. EC2 kinds only; anything above 0 costs money while idle.
   *
   * @default 0
   */
  readonly minVcpus?: number;

  /**
   * vCPUs the environment may scale up to. In a multi-node environment this caps nodes times the
   * instance type's vCPUs over all running jobs: a job whose nodes do not fit waits in RUNNABLE.
   *
   * @default 64; in a multi-node environment, four nodes of its instance type when that is more
   *          (192 for g5.12xlarge); a multi-node environment of a metal size must set it
   */
  readonly maxVcpus?: number;

  /**
   * vCPUs the environment starts with. EC2 kinds only; Batch scales from there by demand.
   *
   * @default - Batch's choice (the minimum vCPUs)
   */
  readonly desiredVcpus?: number;

  /**
   * Size of each instance's encrypted gp3 root volume, which holds images and task scratch space.
   * EC2 kinds only.
   *
   * @default Size.gibibytes(100)
   */
  readonly rootVolumeSize?: Size;

  /**
   * How Batch picks instances. EC2 kinds only; Spot environments take a `SPOT_*` strategy.
   *
   * @default - `SPOT_PRICE_CAPACITY_OPTIMIZED` for Spot, `BEST_FIT_PROGRESSIVE` for on-demand
   */
  readonly allocationStrategy?: batch.AllocationStrategy;

  /**
   * Highest Spot price to pay, as a percentage of the on-demand price. EC2 Spot only.
   *
   * @default 100
   */
  readonly spotBidPercentage?: number;

  /**
   * A custom AMI for the instances (it must be ECS-optimised). EC2 kinds only.
   *
   * @default - the latest ECS-optimised Amazon Linux 2023 AMI: its GPU variant for NVIDIA GPUs, its
   *            Neuron variant for Trainium and Inferentia
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * IMDSv2 hop limit of the instances. EC2 kinds only. With 2, processes in job containers (one hop
   * behind the instance) can read instance metadata, including the instance role's credentials;
   * Metaflow needs that for its Spot termination monitor (which `@batch` starts) and for reading the
   * instance identity. With 1, containers cannot reach IMDS: they see only the job role, and Metaflow
   * gets no Spot termination notice. See SECURITY.md.
   *
   * @default 2
   */
  readonly instanceMetadataHopLimit?: number;

  /**
   * Security groups added to the platform's compute security group, for example to reach a
   * database or file system.
   *
   * @default - only the platform's compute security group
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Create a job queue in front of this environment alone. Turn it off for an environment used
   * only behind a combined queue (`MetaflowBatchOptions.jobQueues`).
   *
   * @default true
   */
  readonly createJobQueue?: boolean;

  /**
   * Physical name of this environment's job queue, as used in `@batch(queue='...')`.
   * Fixing a name stops two platforms in one account and region from coexisting.
   *
   * @default - a name CloudFormation generates (see the stack outputs)
   */
  readonly jobQueueName?: string;

  /**
   * Priority of this environment's job queue among queues that share compute environments.
   *
   * @default 1
   */
  readonly jobQueuePriority?: number;
}

/**
 * A job queue that sends jobs to several compute environments in order, for example Spot first and
 * on-demand when Spot has no capacity.
 */
export interface MetaflowJobQueueOptions {
  /**
   * Short name of the queue, unique among environment and queue names of the platform.
   */
  readonly name: string;

  /**
   * Names of the compute environments (`MetaflowComputeEnvironmentOptions.name`) the queue uses,
   * in the order Batch tries them. One to three, all EC2 or all Fargate.
   */
  readonly computeEnvironments: string[];

  /**
   * Physical name of the queue.
   *
   * @default - a name CloudFormation generates
   */
  readonly jobQueueName?: string;

  /**
   * Priority of the queue among queues that share compute environments.
   *
   * @default 1
   */
  readonly priority?: number;
}
