import { aws_batch as batch, aws_ecr as ecr, aws_logs as logs, SizeRoundingBehavior } from 'aws-cdk-lib';
import { ComputeAccelerator } from './compute-accelerator';
import { ComputeEnvironmentKind, MetaflowComputeEnvironmentOptions, MetaflowJobQueueOptions } from './compute-environment-options';
import { MetaflowImageRepositoryOptions } from './image-repository';
import { validateAccelerator, validateMultiNode, validateMultiNodePlacement, validateSecurityGroupCount } from './multi-node-validation';
import { isIntegerInRange, PropErrors, shown } from '../private/prop-errors';
import { checkRetentionDays } from '../private/retention-days';

const NAME = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;
const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const MAX_ENVIRONMENTS_PER_QUEUE = 3;
const SPOT_STRATEGIES = [batch.AllocationStrategy.SPOT_CAPACITY_OPTIMIZED, batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED];

/** True for Fargate and Fargate Spot. */
export function isFargateKind(kind: ComputeEnvironmentKind | undefined): boolean {
  return kind === ComputeEnvironmentKind.FARGATE || kind === ComputeEnvironmentKind.FARGATE_SPOT;
}

/** What `MetaflowBatch` validates: its environments, combined queues, default queue and images. */
export interface BatchPropsToValidate {
  readonly computeEnvironments: MetaflowComputeEnvironmentOptions[];
  readonly jobQueues: MetaflowJobQueueOptions[];
  readonly defaultJobQueue?: string;
  readonly imageRepository?: MetaflowImageRepositoryOptions;
  readonly jobLogRetention?: logs.RetentionDays;
  /** True when jobs run in public subnets (no NAT gateway); undefined when not known yet. */
  readonly computeSubnetsArePublic?: boolean;
}

/** Records every problem of the Batch props. */
export function validateBatchOptions(props: BatchPropsToValidate, errors: PropErrors): void {
  errors.check(props.computeEnvironments.length > 0, 'computeEnvironments', 'is empty', 'give at least one environment, or leave the prop unset for the default');
  checkRetentionDays(props.jobLogRetention, 'jobLogRetention', errors);

  props.computeEnvironments.forEach((environment, index) => {
    const environmentErrors = errors.at(`computeEnvironments[${index}]`);
    validateEnvironment(environmentErrors, environment);
    validateMultiNodePlacement(environmentErrors, environment.multiNode, props.computeSubnetsArePublic);
  });

  const environmentsByName = new Map(props.computeEnvironments.map((environment) => [environment.name, environment]));
  props.jobQueues.forEach((queue, index) => validateCombinedQueue(errors, queue, `jobQueues[${index}]`, environmentsByName));

  const queueNames = [
    ...props.computeEnvironments.filter((environment) => environment.createJobQueue !== false).map((environment) => environment.name),
    ...props.jobQueues.map((queue) => queue.name),
  ];
  const names = [...props.computeEnvironments.map((environment) => environment.name), ...props.jobQueues.map((queue) => queue.name)];
  for (const duplicate of duplicatesOf(names)) {
    errors.add('computeEnvironments / jobQueues', `name '${duplicate}' is used more than once`, 'give every environment and queue its own name');
  }
  const physicalNames = [
    ...props.computeEnvironments.map((environment) => environment.jobQueueName),
    ...props.jobQueues.map((queue) => queue.jobQueueName),
  ].filter((name): name is string => name !== undefined);
  for (const duplicate of duplicatesOf(physicalNames)) {
    errors.add('jobQueueName', `'${duplicate}' is used by more than one queue`, 'give every queue its own jobQueueName');
  }
  if (props.computeEnvironments.length > 0) {
    errors.check(queueNames.length > 0, 'computeEnvironments', 'creates no job queue (every environment has createJobQueue: false and jobQueues is empty)',
      'let an environment create its queue, or add a combined queue in jobQueues');
  }
  errors.check(props.defaultJobQueue === undefined || queueNames.includes(props.defaultJobQueue), 'defaultJobQueue',
    `'${props.defaultJobQueue}' is not a job queue of the platform (queues: ${queueNames.join(', ') || 'none'})`, 'name one of those queues');
  if (props.imageRepository) {
    validateImageRepository(props.imageRepository, errors.at('imageRepository'));
  }
}

const REPOSITORY_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

function validateImageRepository(repository: MetaflowImageRepositoryOptions, errors: PropErrors): void {
  const name = repository.repositoryName;
  errors.check(name === undefined || (name.length >= 2 && name.length <= 256 && REPOSITORY_NAME.test(name)), 'repositoryName',
    `'${name}' is not a valid ECR repository name`, 'use lower-case letters, digits and . _ - / separators, e.g. \'ml-team/metaflow\'');
  const tag = repository.defaultImageTag ?? 'latest';
  errors.check(IMAGE_TAG.test(tag), 'defaultImageTag', `'${tag}' is not a valid image tag`, 'use letters, digits, _ . and -, e.g. \'1.0\'');
  errors.check(!(repository.imageTagMutability === ecr.TagMutability.IMMUTABLE && (repository.useAsDefaultImage ?? true) && tag === 'latest'),
    'defaultImageTag', 'is \'latest\' but tags are immutable, so the default image could be pushed only once',
    'use a version tag such as \'1.0\' (and raise it with each new image), or keep tags mutable');
  errors.check(isIntegerInRange(repository.maxImageCount, 1, 10000), 'maxImageCount', `must be a whole number from 1 to 10000, got ${shown(repository.maxImageCount)}`,
    'keep at least one image; 30 suits most teams');
}

/** Records every problem of one environment's options; `errors` is scoped to the environment. */
export function validateEnvironment(errors: PropErrors, environment: MetaflowComputeEnvironmentOptions): void {
  const kind = environment.kind ?? ComputeEnvironmentKind.EC2_ON_DEMAND;
  const fargate = isFargateKind(kind);
  const spot = kind === ComputeEnvironmentKind.EC2_SPOT;

  errors.check(NAME.test(environment.name), 'name', `'${environment.name}' is not a valid name`,
    'use 1-32 letters, digits and hyphens, starting with a letter');
  errors.check(isIntegerInRange(environment.minVcpus, 0), 'minVcpus', `must be a whole number >= 0, got ${shown(environment.minVcpus)}`, 'use 0 so that idle costs nothing');
  errors.check(isIntegerInRange(environment.maxVcpus, 1), 'maxVcpus', `must be a whole number >= 1, got ${shown(environment.maxVcpus)}`, 'raise maxVcpus');
  errors.check(isIntegerInRange(environment.desiredVcpus, 0), 'desiredVcpus', `must be a whole number >= 0, got ${shown(environment.desiredVcpus)}`, 'use 0 or more');
  const min = environment.minVcpus ?? 0;
  const max = environment.maxVcpus ?? 64;
  errors.check(min <= max, 'minVcpus', `(${min}) is greater than maxVcpus (${max})`, 'lower minVcpus or raise maxVcpus');
  if (environment.desiredVcpus !== undefined) {
    errors.check(environment.desiredVcpus >= min && environment.desiredVcpus <= max, 'desiredVcpus',
      `(${environment.desiredVcpus}) is outside minVcpus..maxVcpus (${min}..${max})`, 'choose a value between minVcpus and maxVcpus');
  }
  errors.check(environment.jobQueueName === undefined || QUEUE_NAME.test(environment.jobQueueName), 'jobQueueName',
    `'${environment.jobQueueName}' is not a valid job queue name`, 'use up to 128 letters, digits, hyphens and underscores');
  errors.check(environment.createJobQueue !== false || (environment.jobQueueName === undefined && environment.jobQueuePriority === undefined),
    'jobQueueName', 'queue options are set but createJobQueue is false', 'remove jobQueueName/jobQueuePriority or the createJobQueue: false');
  errors.check(isIntegerInRange(environment.instanceMetadataHopLimit, 1, 64), 'instanceMetadataHopLimit',
    `must be a whole number from 1 to 64, got ${shown(environment.instanceMetadataHopLimit)}`, 'use 2 so that Metaflow in the job container reaches IMDS, or 1 to cut containers off');
  errors.check(isIntegerInRange(environment.jobQueuePriority, 0, 1000), 'jobQueuePriority', `must be a whole number from 0 to 1000, got ${shown(environment.jobQueuePriority)}`, 'use 1 unless queues share environments');
  validateSecurityGroupCount(errors, environment);
  validateMultiNode(errors, environment);

  if (fargate) {
    const ec2Only = {
      gpu: environment.gpu,
      accelerator: environment.accelerator === ComputeAccelerator.NONE ? undefined : environment.accelerator,
      instanceTypes: environment.instanceTypes,
      instanceClasses: environment.instanceClasses,
      minVcpus: environment.minVcpus,
      desiredVcpus: environment.desiredVcpus,
      rootVolumeSize: environment.rootVolumeSize,
      allocationStrategy: environment.allocationStrategy,
      spotBidPercentage: environment.spotBidPercentage,
      machineImage: environment.machineImage,
      instanceMetadataHopLimit: environment.instanceMetadataHopLimit,
    };
    for (const [prop, value] of Object.entries(ec2Only)) {
      errors.check(value === undefined || value === false, prop, `does not apply to a ${kind} environment`,
        prop === 'gpu' || prop === 'accelerator' ? `Fargate has no accelerators; use kind EC2_ON_DEMAND or EC2_SPOT with ${prop}` : `remove ${prop} or use an EC2 kind`);
    }
    return;
  }
  validateAccelerator(errors, environment);

  const hasInstanceTypes = (environment.instanceTypes?.length ?? 0) > 0;
  const hasInstanceClasses = (environment.instanceClasses?.length ?? 0) > 0;
  const explicitlyEmpty = environment.instanceClasses !== undefined && !hasInstanceClasses && !hasInstanceTypes;
  errors.check(!explicitlyEmpty, 'instanceClasses', 'is empty and no instanceTypes are given, so Batch has nothing to launch',
    'list instance families or types, or leave both unset for the defaults');
  errors.check(!(environment.rootVolumeSize && environment.rootVolumeSize.toGibibytes({ rounding: SizeRoundingBehavior.FLOOR }) < 30), 'rootVolumeSize',
    'is below 30 GiB, the size of the ECS-optimised AMI', 'use 30 GiB or more (100 GiB suits ML images)');

  const strategy = environment.allocationStrategy;
  const spotStrategy = strategy !== undefined && SPOT_STRATEGIES.includes(strategy);
  if (spot) {
    errors.check(strategy === undefined || spotStrategy, 'allocationStrategy', `${strategy} needs a Spot fleet role and copes badly with Spot interruptions`,
      'use SPOT_PRICE_CAPACITY_OPTIMIZED or SPOT_CAPACITY_OPTIMIZED');
    errors.check(isIntegerInRange(environment.spotBidPercentage, 1, 100), 'spotBidPercentage',
      `must be a whole number from 1 to 100, got ${shown(environment.spotBidPercentage)}`, 'use 100 to pay at most the on-demand price');
  } else {
    errors.check(!spotStrategy, 'allocationStrategy', `${strategy} is for Spot environments`, 'use BEST_FIT_PROGRESSIVE, or kind EC2_SPOT');
    errors.check(environment.spotBidPercentage === undefined, 'spotBidPercentage', 'applies to EC2_SPOT environments only', 'remove it or use kind EC2_SPOT');
  }
}

function validateCombinedQueue(errors: PropErrors, queue: MetaflowJobQueueOptions, at: string,
  environmentsByName: Map<string, MetaflowComputeEnvironmentOptions>): void {
  errors.check(NAME.test(queue.name), `${at}.name`, `'${queue.name}' is not a valid name`, 'use 1-32 letters, digits and hyphens, starting with a letter');
  errors.check(queue.jobQueueName === undefined || QUEUE_NAME.test(queue.jobQueueName), `${at}.jobQueueName`,
    `'${queue.jobQueueName}' is not a valid job queue name`, 'use up to 128 letters, digits, hyphens and underscores');
  errors.check(isIntegerInRange(queue.priority, 0, 1000), `${at}.priority`, `must be a whole number from 0 to 1000, got ${shown(queue.priority)}`, 'use 1 unless queues share environments');
  const count = queue.computeEnvironments.length;
  errors.check(count >= 1 && count <= MAX_ENVIRONMENTS_PER_QUEUE, `${at}.computeEnvironments`, `lists ${count} environments`,
    `list 1 to ${MAX_ENVIRONMENTS_PER_QUEUE} environment names`);
  for (const duplicate of duplicatesOf(queue.computeEnvironments)) {
    errors.add(`${at}.computeEnvironments`, `lists '${duplicate}' more than once`, 'list each environment once');
  }
  const unknown = queue.computeEnvironments.filter((name) => !environmentsByName.has(name));
  errors.check(unknown.length === 0, `${at}.computeEnvironments`, `names unknown environments: ${unknown.join(', ')}`,
    `use names from computeEnvironments (${[...environmentsByName.keys()].join(', ')})`);
  const kinds = queue.computeEnvironments
    .map((name) => environmentsByName.get(name)?.kind ?? ComputeEnvironmentKind.EC2_ON_DEMAND)
    .map((kind) => isFargateKind(kind) ? 'Fargate' : 'EC2');
  errors.check(new Set(kinds).size <= 1, `${at}.computeEnvironments`, 'mixes EC2 and Fargate environments, which one Batch queue cannot do',
    'make separate queues for EC2 and Fargate environments');
}

function duplicatesOf(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}
