import { Annotations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MetaflowMultiNodeOptions } from './multi-node-options';
import { validateMultiNodePlacement } from './multi-node-validation';
import { ComputePlacement } from '../network/subnet-placement';
import { PropErrors } from '../private/prop-errors';

/** Where the nodes of a multi-node environment run and how they reach each other. */
export interface MultiNodeNetwork {
  /** Admits all traffic from the environment's own nodes, and lets them send to each other. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The cluster placement group the instances launch in. */
  readonly placementGroup: ec2.IPlacementGroup;
  /** The compute subnets of one Availability Zone. */
  readonly vpcSubnets: ec2.SubnetSelection;
}

/**
 * Narrows the compute placement to one Availability Zone and creates what nodes of one job need to
 * talk: Metaflow points every worker at the main node's private IP (`MF_PARALLEL_MAIN_IP` from
 * `AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS`, metaflow `plugins/aws/batch/batch_decorator.py`
 * `_setup_multinode_environment`), and frameworks open ports of their own choosing there.
 */
export function createMultiNodeNetwork(scope: Construct, vpc: ec2.IVpc, placement: ComputePlacement,
  options: MetaflowMultiNodeOptions, errors: PropErrors): MultiNodeNetwork {
  const subnets = vpc.selectSubnets(placement.selection).subnets;
  const zone = options.availabilityZone ?? subnets[0]?.availabilityZone;
  const zoneSubnets = subnets.filter((subnet) => subnet.availabilityZone === zone);
  errors.check(zoneSubnets.length > 0, 'multiNode.availabilityZone', `'${zone}' holds none of the compute subnets`,
    `name the zone of a compute subnet (${[...new Set(subnets.map((subnet) => subnet.availabilityZone))].join(', ')}), or leave it unset`);
  validateMultiNodePlacement(errors, options, placement.isPublic);
  const efa = (options.efaInterfaces ?? 0) > 0;
  if (placement.isPublic && !efa) {
    // Metaflow's task bootstrap pip-installs boto3 and requests unless METAFLOW_SKIP_INSTALL_DEPENDENCIES is set
    // (metaflow/metaflow_environment.py, _get_install_dependencies_cmd).
    Annotations.of(scope).addWarningV2('cdk-metaflow-platform:multiNodeWithoutNat',
      'Multi-node jobs run in public subnets without a NAT gateway. Batch gives each multi-node container a network interface '
      + 'of its own (awsvpc) without a public IP: the containers reach S3 (gateway endpoint) and the metadata service, not the '
      + 'internet, so Metaflow\'s task bootstrap (pip install boto3 requests) fails unless the image has both and the step sets '
      + 'METAFLOW_SKIP_INSTALL_DEPENDENCIES=1. Add a NAT gateway (network: { natGateways: 1 }), or use such an image and '
      + 'acknowledge this warning.');
  }

  const securityGroup = new ec2.SecurityGroup(scope, 'MultiNodeSecurityGroup', {
    vpc,
    description: 'Metaflow multi-node jobs: all traffic between the nodes of one compute environment, nothing from elsewhere',
    allowAllOutbound: true,
  });
  const description = 'Nodes of a multi-node job reach each other on any port and protocol';
  securityGroup.addIngressRule(securityGroup, ec2.Port.allTraffic(), description);
  // EFA's OS-bypass traffic needs an egress rule to the group itself even beside an all-outbound rule (the
  // EFA user guide's security group has both). The L2 drops egress rules of an all-outbound group, hence L1.
  new ec2.CfnSecurityGroupEgress(scope, 'MultiNodeSecurityGroupToItself', {
    groupId: securityGroup.securityGroupId,
    destinationSecurityGroupId: securityGroup.securityGroupId,
    ipProtocol: '-1',
    description,
  });
  const placementGroup = options.placementGroup ?? new ec2.PlacementGroup(scope, 'PlacementGroup', {
    strategy: ec2.PlacementGroupStrategy.CLUSTER,
  });
  return { securityGroup, placementGroup, vpcSubnets: { subnets: zoneSubnets } };
}
