import { aws_ec2 as ec2, aws_logs as logs, RemovalPolicy, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { isIntegerInRange, PropErrors } from '../private/prop-errors';

/**
 * Options for the network of a Metaflow platform.
 */
export interface MetaflowNetworkOptions {
  /**
   * An existing VPC to deploy into. When set, no VPC is created and the options that shape a new
   * VPC (`maxAzs`, `natGateways`, `cidr`) must be left unset.
   *
   * Compute goes to the VPC's private subnets with egress when it has them, otherwise to its public
   * subnets; databases go to its isolated subnets, otherwise its private subnets, never public ones.
   *
   * @default - a new VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Number of Availability Zones of a new VPC; at least 2, which the database's subnet group needs.
   *
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * Number of NAT gateways of a new VPC. With zero, compute runs in public subnets (public IPs,
   * no inbound rules); with one or more, compute runs in private subnets behind the NAT gateways.
   * Each NAT gateway costs about $33 a month before data processing.
   *
   * @default 0
   */
  readonly natGateways?: number;

  /**
   * IPv4 CIDR block of a new VPC.
   *
   * @default '10.0.0.0/16'
   */
  readonly cidr?: string;

  /**
   * Subnets for Batch compute, Fargate tasks and load balancers.
   *
   * @default - private subnets with egress if the VPC has them, otherwise public subnets
   */
  readonly computeSubnets?: ec2.SubnetSelection;

  /**
   * Subnets for databases. Must not be public.
   *
   * @default - isolated subnets if the VPC has them, otherwise private subnets with egress
   */
  readonly databaseSubnets?: ec2.SubnetSelection;

  /**
   * Add a gateway VPC endpoint for S3 (free) so that traffic to the datastore stays in the VPC.
   * Leave it off for an adopted VPC that already routes S3 through an endpoint: a route table takes
   * one S3 gateway endpoint only.
   *
   * @default - true for a new VPC, false for an adopted one
   */
  readonly s3GatewayEndpoint?: boolean;

  /**
   * Record rejected traffic of a new VPC in VPC flow logs (CloudWatch Logs).
   *
   * @default true
   */
  readonly flowLogs?: boolean;

  /**
   * How long flow logs are kept.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * The network a Metaflow platform runs in: a new VPC with no NAT gateway by default, or an
 * adopted one, and the subnet placement rules every other part follows.
 */
export class MetaflowNetwork extends Construct {
  /** The VPC every part of the platform runs in. */
  public readonly vpc: ec2.IVpc;
  /** Subnets for Batch compute, Fargate tasks and internal load balancers. */
  public readonly computeSubnets: ec2.SubnetSelection;
  /** Subnets for databases; never public. */
  public readonly databaseSubnets: ec2.SubnetSelection;
  /** True when compute runs in public subnets and so needs public IPs to reach AWS APIs and images. */
  public readonly computeSubnetsArePublic: boolean;
  /** The S3 gateway endpoint, when one was added. */
  public readonly s3GatewayEndpoint?: ec2.GatewayVpcEndpoint;
  /** The flow log of a new VPC, when enabled. */
  public readonly flowLog?: ec2.FlowLog;
  /** The log group that receives the flow log, when enabled. */
  public readonly flowLogGroup?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: MetaflowNetworkOptions = {}) {
    super(scope, id);
    validateNetworkProps(props);

    const adopted = props.vpc !== undefined;
    const natGateways = props.natGateways ?? 0;
    this.vpc = props.vpc ?? this.createVpc(props, natGateways);

    const placementErrors = new PropErrors('MetaflowNetwork');
    const compute = computeSubnetsOf(this.vpc, props.computeSubnets, placementErrors);
    this.computeSubnets = compute.selection;
    this.computeSubnetsArePublic = compute.isPublic;
    this.databaseSubnets = databaseSubnetsOf(this.vpc, props.databaseSubnets, placementErrors);
    placementErrors.throwIfAny();
    const databaseZones = this.vpc.selectSubnets(this.databaseSubnets).availabilityZones;
    placementErrors.check(databaseZones.some((zone) => Token.isUnresolved(zone)) || new Set(databaseZones).size >= 2, 'databaseSubnets',
      `cover ${new Set(databaseZones).size} Availability Zone(s), but the metadata database needs subnets in two`,
      'select database subnets in at least two Availability Zones');
    placementErrors.throwIfAny();

    if (props.s3GatewayEndpoint ?? !adopted) {
      const subnets = [...this.vpc.publicSubnets, ...this.vpc.privateSubnets, ...this.vpc.isolatedSubnets];
      placementErrors.check(subnets.every((subnet) => subnet.routeTable?.routeTableId !== undefined), 's3GatewayEndpoint',
        'needs the route tables of the adopted VPC\'s subnets, which were not imported',
        'import the VPC with its *SubnetRouteTableIds (or use Vpc.fromLookup), or leave s3GatewayEndpoint off');
      placementErrors.throwIfAny();
      this.s3GatewayEndpoint = new ec2.GatewayVpcEndpoint(this, 'S3Endpoint', {
        vpc: this.vpc,
        service: ec2.GatewayVpcEndpointAwsService.S3,
      });
    }

    if (!adopted && (props.flowLogs ?? true)) {
      this.flowLogGroup = new logs.LogGroup(this, 'FlowLogGroup', {
        retention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      this.flowLog = new ec2.FlowLog(this, 'FlowLog', {
        resourceType: ec2.FlowLogResourceType.fromVpc(this.vpc),
        destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
        trafficType: ec2.FlowLogTrafficType.REJECT,
      });
    }
  }

  private createVpc(props: MetaflowNetworkOptions, natGateways: number): ec2.Vpc {
    const subnetConfiguration: ec2.SubnetConfiguration[] = [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 20 },
      { name: 'Database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ];
    if (natGateways > 0) {
      subnetConfiguration.push({ name: 'Compute', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 });
    }
    return new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.0.0.0/16'),
      maxAzs: props.maxAzs ?? 2,
      natGateways,
      subnetConfiguration,
      restrictDefaultSecurityGroup: false,
    });
  }
}

interface ComputePlacement {
  readonly selection: ec2.SubnetSelection;
  readonly isPublic: boolean;
}

function validateNetworkProps(props: MetaflowNetworkOptions): void {
  const errors = new PropErrors('MetaflowNetwork');
  const adopted = props.vpc !== undefined;
  for (const [prop, value] of [['maxAzs', props.maxAzs], ['natGateways', props.natGateways], ['cidr', props.cidr]] as const) {
    errors.check(!adopted || value === undefined, prop, 'only shapes a new VPC but `vpc` adopts an existing one', `remove \`${prop}\` or \`vpc\``);
  }
  errors.check(isIntegerInRange(props.natGateways, 0), 'natGateways', `must be a whole number >= 0, got ${props.natGateways}`, 'use 0 (no NAT, compute in public subnets) or more');
  errors.check(isIntegerInRange(props.maxAzs, 2), 'maxAzs', `must be a whole number >= 2, got ${props.maxAzs}`,
    'use 2 or more: the metadata database needs subnets in two Availability Zones');
  errors.check(props.natGateways === undefined || props.maxAzs === undefined || props.natGateways <= props.maxAzs,
    'natGateways', `(${props.natGateways}) exceeds maxAzs (${props.maxAzs})`, 'use at most one NAT gateway per Availability Zone');
  errors.check(adopted || props.flowLogs !== false || props.flowLogRetention === undefined,
    'flowLogRetention', 'is set but `flowLogs` is false', 'remove `flowLogRetention` or enable `flowLogs`');
  errors.check(props.databaseSubnets?.subnetType !== ec2.SubnetType.PUBLIC,
    'databaseSubnets', 'selects public subnets', 'select isolated or private subnets; databases are never public');
  errors.throwIfAny();
}

function computeSubnetsOf(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, errors: PropErrors): ComputePlacement {
  if (selection) {
    return { selection, isPublic: selection.subnetType === ec2.SubnetType.PUBLIC || selectsOnly(vpc, selection, vpc.publicSubnets) };
  }
  if (vpc.privateSubnets.length > 0) {
    return { selection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, isPublic: false };
  }
  errors.check(vpc.publicSubnets.length > 0, 'vpc', 'has neither private subnets with egress nor public subnets, so Batch instances cannot reach AWS APIs or pull images',
    'pass `computeSubnets` selecting subnets with internet or VPC endpoint access');
  return { selection: { subnetType: ec2.SubnetType.PUBLIC }, isPublic: true };
}

function databaseSubnetsOf(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined, errors: PropErrors): ec2.SubnetSelection {
  if (selection) {
    errors.check(!selectsOnly(vpc, selection, vpc.publicSubnets), 'databaseSubnets', 'selects public subnets', 'select isolated or private subnets; databases are never public');
    return selection;
  }
  if (vpc.isolatedSubnets.length > 0) {
    return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  }
  errors.check(vpc.privateSubnets.length > 0, 'vpc', 'has neither isolated nor private subnets for the database, and databases are never placed in public subnets',
    'add isolated or private subnets to the VPC, or pass `databaseSubnets`');
  return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
}

/** True when every subnet `selection` picks is one of `subnets`. */
function selectsOnly(vpc: ec2.IVpc, selection: ec2.SubnetSelection, subnets: ec2.ISubnet[]): boolean {
  const ids = new Set(subnets.map((subnet) => subnet.subnetId));
  const selected = vpc.selectSubnets(selection).subnets;
  return selected.length > 0 && selected.every((subnet) => ids.has(subnet.subnetId));
}
