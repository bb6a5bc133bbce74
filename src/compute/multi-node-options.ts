import { aws_ec2 as ec2 } from 'aws-cdk-lib';

/**
 * Makes a compute environment ready for AWS Batch multi-node parallel jobs, which Metaflow submits
 * for `@parallel` steps on `@batch` (and the `@torchrun`, `@deepspeed` and `@metaflow_ray` extensions
 * built on it): its instances share a cluster placement group in one Availability Zone and a
 * security group that admits every port from the environment's own nodes, so workers reach the
 * main node (`current.parallel.main_ip`). On-demand EC2 only: Batch runs multi-node jobs neither on
 * Spot nor on Fargate.
 */
export interface MetaflowMultiNodeOptions {
  /**
   * A cluster placement group to launch the instances in, for example one shared with other
   * workloads.
   *
   * @default - a new cluster placement group
   */
  readonly placementGroup?: ec2.IPlacementGroup;

  /**
   * The Availability Zone the nodes run in, one of the zones of the platform's compute subnets.
   * Nodes of one job must be close: a cluster placement group lives in one zone.
   *
   * @default - the zone of the first compute subnet
   */
  readonly availabilityZone?: string;

  /**
   * Elastic Fabric Adapter interfaces per instance, for `@batch(efa=N)` (N at most this number),
   * which maps `/dev/infiniband/uverbs0..N-1` into the containers. 0 leaves EFA off. Needs an
   * instance type with EFA (the largest sizes of most current families, trn1.32xlarge, p4d.24xlarge,
   * p5.48xlarge...) and compute subnets with a NAT gateway. Each interface sits on its own network
   * card: stay within the type's `MaximumEfaInterfaces` (`aws ec2 describe-instance-types`), 1 on
   * most types, 4 on p4d, 8 on trn1.32xlarge, 32 on p5.48xlarge.
   *
   * @default 0
   */
  readonly efaInterfaces?: number;
}
