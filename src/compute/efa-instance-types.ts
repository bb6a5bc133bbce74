import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { familyOf, sizeOf } from './instance-type-names';

const EVERY_LARGE_GPU_SIZE = ['8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge'];

/**
 * Instance sizes with Elastic Fabric Adapter support, by family, from the Amazon EC2 User Guide's
 * list of EFA-supported instance types (`aws ec2 describe-instance-types --filters
 * Name=network-info.efa-supported,Values=true` gives the current list of a Region). EFA is a
 * property of the size, not the family: g5.8xlarge has it, g5.4xlarge does not.
 */
const EFA_SIZES: Record<string, string[]> = {
  // Compute optimised
  c5n: ['9xlarge', '18xlarge', 'metal'],
  c6a: ['48xlarge', 'metal'],
  c6gn: ['16xlarge'],
  c6i: ['32xlarge', 'metal'],
  c6id: ['32xlarge', 'metal'],
  c6in: ['32xlarge', 'metal'],
  c7a: ['48xlarge'],
  c7g: ['16xlarge', 'metal'],
  c7gn: ['16xlarge', 'metal'],
  c7i: ['48xlarge'],
  // General purpose
  m5dn: ['24xlarge', 'metal'],
  m5n: ['24xlarge', 'metal'],
  m6a: ['48xlarge', 'metal'],
  m6i: ['32xlarge', 'metal'],
  m6id: ['32xlarge', 'metal'],
  m6idn: ['32xlarge', 'metal'],
  m6in: ['32xlarge', 'metal'],
  m7a: ['48xlarge'],
  m7g: ['16xlarge', 'metal'],
  m7i: ['48xlarge'],
  // Memory optimised
  r5dn: ['24xlarge', 'metal'],
  r5n: ['24xlarge', 'metal'],
  r6a: ['48xlarge', 'metal'],
  r6i: ['32xlarge', 'metal'],
  r6idn: ['32xlarge', 'metal'],
  r6in: ['32xlarge', 'metal'],
  r7a: ['48xlarge'],
  r7g: ['16xlarge', 'metal'],
  r7i: ['48xlarge'],
  // Accelerated computing
  dl1: ['24xlarge'],
  g4dn: ['8xlarge', '12xlarge', '16xlarge', 'metal'],
  g5: EVERY_LARGE_GPU_SIZE,
  g6: EVERY_LARGE_GPU_SIZE,
  g6e: EVERY_LARGE_GPU_SIZE,
  inf1: ['24xlarge'],
  p3dn: ['24xlarge'],
  p4d: ['24xlarge'],
  p4de: ['24xlarge'],
  p5: ['48xlarge'],
  p5e: ['48xlarge'],
  p5en: ['48xlarge'],
  trn1: ['32xlarge'],
  trn1n: ['32xlarge'],
  trn2: ['48xlarge'],
  // High-performance computing
  hpc6a: ['48xlarge'],
  hpc6id: ['32xlarge'],
  hpc7a: ['12xlarge', '24xlarge', '48xlarge', '96xlarge'],
  hpc7g: ['4xlarge', '8xlarge', '16xlarge'],
};

/** True when instances of `instanceType` (e.g. `g5.12xlarge`) can have EFA interfaces. */
export function supportsEfa(instanceType: ec2.InstanceType): boolean {
  return EFA_SIZES[familyOf(instanceType)]?.includes(sizeOf(instanceType)) ?? false;
}

/** Which sizes of the family of `instanceType` have EFA, or else which families have EFA sizes at all. */
export function efaSizesText(instanceType: ec2.InstanceType): string {
  const family = familyOf(instanceType);
  const sizes = EFA_SIZES[family];
  return sizes
    ? `${family} has EFA in sizes ${sizes.join(', ')}`
    : `families with EFA sizes are ${Object.keys(EFA_SIZES).join(', ')}`;
}
