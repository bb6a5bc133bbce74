import { aws_ec2 as ec2 } from 'aws-cdk-lib';

/** The family of an instance type as EC2 names it: `g5` for `g5.12xlarge`. */
export function familyOf(instanceType: ec2.InstanceType): string {
  return instanceType.toString().split('.')[0];
}

/** The size of an instance type as EC2 names it: `12xlarge` for `g5.12xlarge`. */
export function sizeOf(instanceType: ec2.InstanceType): string {
  return instanceType.toString().split('.')[1] ?? '';
}

/** The family of an instance class as Batch and EC2 name it (`InstanceClass.INFERENCE2` is `inf2`). */
export function familyOfClass(instanceClass: ec2.InstanceClass): string {
  return familyOf(ec2.InstanceType.of(instanceClass, ec2.InstanceSize.XLARGE));
}

/**
 * vCPUs of an instance type as its size names them on current families (large 2, xlarge 4,
 * Nxlarge 4N: g5.12xlarge 48, p5.48xlarge 192, trn1.32xlarge 128); undefined for metal and other sizes.
 */
export function estimatedVcpusOf(instanceType: ec2.InstanceType): number | undefined {
  const size = sizeOf(instanceType);
  if (size === 'large') {
    return 2;
  }
  const match = /^(\d*)xlarge$/.exec(size);
  return match ? 4 * Number(match[1] || 1) : undefined;
}
