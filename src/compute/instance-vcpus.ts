import { aws_ec2 as ec2 } from 'aws-cdk-lib';

/**
 * vCPUs of an instance type as its size names them on current families (large 2, xlarge 4,
 * Nxlarge 4N: g5.12xlarge 48, p5.48xlarge 192, trn1.32xlarge 128); undefined for metal and other sizes.
 */
export function estimatedVcpusOf(instanceType: ec2.InstanceType): number | undefined {
  const size = instanceType.toString().split('.')[1] ?? '';
  if (size === 'large') {
    return 2;
  }
  const match = /^(\d*)xlarge$/.exec(size);
  return match ? 4 * Number(match[1] || 1) : undefined;
}
