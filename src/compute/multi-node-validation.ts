import { acceleratorOf, NEURON_INSTANCE_CLASSES } from './accelerator-defaults';
import { ComputeAccelerator } from './compute-accelerator';
import { ComputeEnvironmentKind, MetaflowComputeEnvironmentOptions } from './compute-environment-options';
import { efaSizesText, supportsEfa } from './efa-instance-types';
import { estimatedVcpusOf, familyOf, familyOfClass } from './instance-type-names';
import { MetaflowMultiNodeOptions } from './multi-node-options';
import { isIntegerInRange, PropErrors, shown } from '../private/prop-errors';

/** EC2 allows five security groups on a network interface; Batch applies the environment's to every instance and MNP container. */
const MAX_SECURITY_GROUPS = 5;
const MAX_EFA_INTERFACES = 32;

/** Records the problems of an environment's accelerator choice; `errors` is scoped to the environment. */
export function validateAccelerator(errors: PropErrors, environment: MetaflowComputeEnvironmentOptions): void {
  const accelerator = acceleratorOf(environment);
  errors.check(!(environment.gpu && accelerator !== ComputeAccelerator.NVIDIA_GPU), 'gpu',
    `is true but accelerator is ${accelerator}`, 'remove gpu: true (accelerator decides), or use accelerator NVIDIA_GPU');
  if (accelerator !== ComputeAccelerator.AWS_NEURON) {
    return;
  }
  const neuronFamilies = new Set(NEURON_INSTANCE_CLASSES.map(familyOfClass));
  const foreignFamilies = [
    ...(environment.instanceClasses ?? []).map(familyOfClass),
    ...(environment.instanceTypes ?? []).map(familyOf),
  ].filter((family) => !neuronFamilies.has(family));
  errors.check(foreignFamilies.length === 0, 'instanceTypes',
    `names ${[...new Set(foreignFamilies)].join(', ')}, which carry no Trainium or Inferentia devices for the Neuron AMI`,
    `use the families ${[...neuronFamilies].join(', ')} (instanceClasses or instanceTypes)`);
}

/** Records that an environment's instances would join more security groups than EC2 allows on an interface; `errors` is scoped to the environment. */
export function validateSecurityGroupCount(errors: PropErrors, environment: MetaflowComputeEnvironmentOptions): void {
  const ownGroups = environment.multiNode ? 2 : 1;
  const extraGroups = environment.securityGroups?.length ?? 0;
  errors.check(ownGroups + extraGroups <= MAX_SECURITY_GROUPS, 'securityGroups',
    `lists ${extraGroups} groups; with the platform's ${ownGroups} that is more than the ${MAX_SECURITY_GROUPS} an instance can join`,
    `list at most ${MAX_SECURITY_GROUPS - ownGroups}, or add their rules to one group`);
}

/** Records the problems of an environment's multi-node options; `errors` is scoped to the environment. */
export function validateMultiNode(errors: PropErrors, environment: MetaflowComputeEnvironmentOptions): void {
  const multiNode = environment.multiNode;
  if (!multiNode) {
    return;
  }
  const kind = environment.kind ?? ComputeEnvironmentKind.EC2_ON_DEMAND;
  errors.check(kind === ComputeEnvironmentKind.EC2_ON_DEMAND, 'multiNode',
    `is set, but the environment's kind is ${kind} and AWS Batch runs multi-node parallel jobs on on-demand EC2 only`,
    'use kind EC2_ON_DEMAND for this environment (the default), and keep Spot or Fargate capacity in another environment');
  const types = environment.instanceTypes ?? [];
  errors.check(types.length === 1 && (environment.instanceClasses?.length ?? 0) === 0, 'instanceTypes',
    `lists ${types.length} instance type(s)${environment.instanceClasses?.length ? ' and some instanceClasses' : ''}, but a multi-node `
    + 'environment needs exactly one (Batch runs every node of a job on the same type, and Metaflow names none per node)',
    'give one instance type in instanceTypes, such as g5.12xlarge, and no instanceClasses');
  const unknownSize = types.length === 1 && estimatedVcpusOf(types[0]) === undefined;
  errors.check(!(unknownSize && environment.maxVcpus === undefined), 'maxVcpus',
    `is unset, and the vCPUs of ${types[0]} cannot be told from its size name, so no default can fit its nodes`,
    'set maxVcpus to the number of nodes your jobs use times the vCPUs of one instance');
  const efaInterfaces = multiNode.efaInterfaces ?? 0;
  errors.check(isIntegerInRange(multiNode.efaInterfaces, 0, MAX_EFA_INTERFACES), 'multiNode.efaInterfaces',
    `must be a whole number from 0 to ${MAX_EFA_INTERFACES}, got ${shown(multiNode.efaInterfaces)}`, 'use 0 for no EFA, or the number of EFA interfaces of the instance type');
  if (efaInterfaces > 0) {
    for (const instanceType of types.filter((type) => !supportsEfa(type))) {
      errors.add('instanceTypes', `${instanceType} has no Elastic Fabric Adapter, which multiNode.efaInterfaces asks for (${efaSizesText(instanceType)})`,
        'choose an instance type with EFA, or set efaInterfaces to 0');
    }
  }
}

/**
 * Records that EFA needs compute subnets with a NAT gateway, when the compute subnets are known to be public
 * (`computeSubnetsArePublic` undefined: not known yet). `errors` is scoped to the environment.
 */
export function validateMultiNodePlacement(errors: PropErrors, multiNode: MetaflowMultiNodeOptions | undefined,
  computeSubnetsArePublic: boolean | undefined): void {
  errors.check(!((multiNode?.efaInterfaces ?? 0) > 0 && computeSubnetsArePublic), 'multiNode.efaInterfaces',
    'needs compute subnets with a NAT gateway, but the platform\'s compute runs in public subnets: instances whose launch template '
    + 'sets EFA interfaces get no public IPv4 address there, so they could not reach ECS and would never run a job',
    'run compute in private subnets with egress (network: { natGateways: 1 } for the VPC the platform creates, or network.computeSubnets), or set efaInterfaces to 0');
}
