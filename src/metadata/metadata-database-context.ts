import { aws_ec2 as ec2, RemovalPolicy } from 'aws-cdk-lib';

/**
 * Where the metadata service's database comes from, and what the platform adds to it.
 *
 * @internal
 */
export interface MetadataDatabaseContext {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
}

/**
 * Defaults the platform gives its database, under the user's own options.
 *
 * @internal
 */
export interface MetadataDatabaseDefaults {
  readonly removalPolicy?: RemovalPolicy;
  readonly highAvailability: boolean;
}
