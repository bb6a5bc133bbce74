import { Annotations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropErrors } from '../private/prop-errors';

/** Where compute runs, and whether those subnets are public (so instances need public IPs). */
export interface ComputePlacement {
  readonly selection: ec2.SubnetSelection;
  readonly isPublic: boolean;
}

/**
 * The platform's rule for compute subnets: private subnets with egress when the VPC has them,
 * otherwise public subnets; never isolated ones, which have no route to AWS APIs or image registries.
 * An explicit `selection` is taken as given.
 */
export function computePlacementOf(
  vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, errors: PropErrors, selectionProp: string,
): ComputePlacement {
  if (selection) {
    return { selection, isPublic: selectsPublicSubnets(vpc, selection) };
  }
  if (vpc.privateSubnets.length > 0) {
    return { selection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, isPublic: false };
  }
  errors.check(vpc.publicSubnets.length > 0, 'vpc', 'has neither private subnets with egress nor public subnets, so Batch instances cannot reach AWS APIs or pull images',
    `pass \`${selectionProp}\` selecting subnets with internet or VPC endpoint access`);
  return { selection: { subnetType: ec2.SubnetType.PUBLIC }, isPublic: true };
}

/** Where a network's compute and databases go. */
export interface NetworkPlacement {
  readonly compute: ComputePlacement;
  readonly databaseSubnets: ec2.SubnetSelection;
}

/** What the placement rules read from the network props. */
export interface NetworkPlacementProps {
  readonly computeSubnets?: ec2.SubnetSelection;
  readonly databaseSubnets?: ec2.SubnetSelection;
  readonly s3GatewayEndpoint?: boolean;
}

/**
 * Applies the placement rules to `vpc` and records every problem: compute with a route out,
 * databases never public and in two Availability Zones, and route tables for an S3 endpoint.
 */
export function networkPlacementOf(vpc: ec2.IVpc, props: NetworkPlacementProps, adopted: boolean, errors: PropErrors): NetworkPlacement {
  const compute = computePlacementOf(vpc, props.computeSubnets, errors, 'computeSubnets');
  const databaseSubnets = databaseSubnetsOf(vpc, props.databaseSubnets, errors);
  if (databaseSubnets) {
    const zones = zoneCountOf(vpc, databaseSubnets);
    errors.check(zones >= 2, 'databaseSubnets', `cover ${zones} Availability Zone(s), but the metadata database needs subnets in two`,
      'select database subnets in at least two Availability Zones');
  }
  if (props.s3GatewayEndpoint ?? !adopted) {
    const subnets = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets];
    errors.check(subnets.every((subnet) => subnet.routeTable?.routeTableId !== undefined), 's3GatewayEndpoint',
      'needs the route tables of the adopted VPC\'s subnets, which were not imported',
      'import the VPC with its *SubnetRouteTableIds (or use Vpc.fromLookup), or leave s3GatewayEndpoint off');
  }
  return { compute, databaseSubnets: databaseSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } };
}

/** The platform's rule for database subnets: isolated, else private with egress; never public. Undefined when none fit. */
function databaseSubnetsOf(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, errors: PropErrors): ec2.SubnetSelection | undefined {
  if (selection) {
    const isPublic = selectsOnly(vpc, selection, vpc.publicSubnets);
    errors.check(!isPublic, 'databaseSubnets', 'selects public subnets', 'select isolated or private subnets; databases are never public');
    return isPublic ? undefined : selection;
  }
  if (vpc.isolatedSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  }
  errors.check(vpc.privateSubnets.length > 0, 'vpc', 'has neither isolated nor private subnets for the database, and databases are never placed in public subnets',
    'add isolated or private subnets to the VPC, or pass `databaseSubnets`');
  return vpc.privateSubnets.length > 0 ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } : undefined;
}

/**
 * Availability Zones a selection covers, counted by their distinct values. Unresolved zones
 * (a stack without `env`) count as distinct tokens, so a one-zone VPC is caught without `env` too.
 */
function zoneCountOf(vpc: ec2.IVpc, selection: ec2.SubnetSelection): number {
  return new Set(vpc.selectSubnets(selection).availabilityZones).size;
}

/** True when `selection` picks public subnets only, whose tasks and instances need public IPs to reach AWS. */
export function selectsPublicSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection): boolean {
  return selection.subnetType === ec2.SubnetType.PUBLIC || selectsOnly(vpc, selection, vpc.publicSubnets);
}

/** True when `selection` picks isolated subnets only: no route to the internet, no NAT. */
export function selectsIsolatedSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection): boolean {
  return selection.subnetType === ec2.SubnetType.PRIVATE_ISOLATED || selectsOnly(vpc, selection, vpc.isolatedSubnets);
}

/** True when every subnet `selection` picks is one of `subnets`. */
export function selectsOnly(vpc: ec2.IVpc, selection: ec2.SubnetSelection, subnets: ec2.ISubnet[]): boolean {
  const ids = new Set(subnets.map((subnet) => subnet.subnetId));
  const selected = vpc.selectSubnets(selection).subnets;
  return selected.length > 0 && selected.every((subnet) => ids.has(subnet.subnetId));
}

/**
 * Warns that EC2 instances in public subnets of a VPC the platform did not create reach AWS only with
 * public IPs, which such subnets must assign on launch (Batch launch templates cannot ask for one).
 */
export function warnIfAdoptedPublicCompute(scope: IConstruct, placement: ComputePlacement, adopted: boolean): void {
  if (adopted && placement.isPublic) {
    Annotations.of(scope).addWarningV2('cdk-metaflow-platform:publicComputeSubnets',
      'Batch compute runs in public subnets of an adopted VPC, which has no NAT gateway for it. EC2 instances then reach AWS APIs and '
      + 'image registries only with public IPv4 addresses: the subnets must auto-assign them (MapPublicIpOnLaunch), or pass private '
      + 'subnets with a NAT gateway or VPC endpoints as compute subnets. Fargate jobs get public IPs from Metaflow itself.');
  }
}
