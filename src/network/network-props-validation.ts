import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { MetaflowNetworkOptions } from './network';
import { isIntegerInRange, PropErrors, shown } from '../private/prop-errors';

/** Records every problem of the network props that can be found before the VPC exists. */
export function validateNetworkOptions(props: MetaflowNetworkOptions, errors: PropErrors): void {
  const adopted = props.vpc !== undefined;
  for (const [prop, value] of [['maxAzs', props.maxAzs], ['natGateways', props.natGateways], ['cidr', props.cidr]] as const) {
    errors.check(!adopted || value === undefined, prop, 'only shapes a new VPC but `vpc` adopts an existing one', `remove \`${prop}\` or \`vpc\``);
  }
  errors.check(isIntegerInRange(props.natGateways, 0), 'natGateways', `must be a whole number >= 0, got ${shown(props.natGateways)}`, 'use 0 (no NAT, compute in public subnets) or more');
  errors.check(isIntegerInRange(props.maxAzs, 2), 'maxAzs', `must be a whole number >= 2, got ${shown(props.maxAzs)}`,
    'use 2 or more: the metadata database needs subnets in two Availability Zones');
  errors.check(props.natGateways === undefined || props.maxAzs === undefined || props.natGateways <= props.maxAzs,
    'natGateways', `(${props.natGateways}) exceeds maxAzs (${props.maxAzs})`, 'use at most one NAT gateway per Availability Zone');
  errors.check(adopted || props.flowLogs !== false || props.flowLogRetention === undefined,
    'flowLogRetention', 'is set but `flowLogs` is false', 'remove `flowLogRetention` or enable `flowLogs`');
  errors.check(props.databaseSubnets?.subnetType !== ec2.SubnetType.PUBLIC,
    'databaseSubnets', 'selects public subnets', 'select isolated or private subnets; databases are never public');
}
