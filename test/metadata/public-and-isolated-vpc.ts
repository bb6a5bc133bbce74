import { aws_ec2 as ec2, Stack } from 'aws-cdk-lib';

/** The default platform's network shape: public subnets for compute, isolated ones for databases, no NAT. */
export function publicAndIsolatedVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'Database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}
