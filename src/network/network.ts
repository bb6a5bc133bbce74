import { aws_ec2 as ec2, aws_logs as logs, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { validateNetworkOptions } from './network-props-validation';
import { networkPlacementOf } from './subnet-placement';
import { PropErrors, validateOrThrow } from '../private/prop-errors';

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
   * Public compute subnets of an adopted VPC must auto-assign public IPv4 addresses (MapPublicIpOnLaunch):
   * without a NAT gateway, Batch's EC2 instances reach AWS APIs and image registries only through
   * a public IP, and a Batch launch template cannot ask for one (synth warns about this).
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
   * Subnets for Batch compute, Fargate tasks and load balancers. Public subnets of an adopted VPC
   * must auto-assign public IPv4 addresses for Batch's EC2 instances (see `vpc`).
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
 * Props of `MetaflowNetwork`.
 */
export interface MetaflowNetworkProps extends MetaflowNetworkOptions {}

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

  constructor(scope: Construct, id: string, props: MetaflowNetworkProps = {}) {
    super(scope, id);
    validateOrThrow('MetaflowNetwork', props, validateNetworkOptions);

    const adopted = props.vpc !== undefined;
    const natGateways = props.natGateways ?? 0;
    this.vpc = props.vpc ?? this.createVpc(props, natGateways);

    const placementErrors = PropErrors.for('MetaflowNetwork');
    const placement = networkPlacementOf(this.vpc, props, adopted, placementErrors);
    placementErrors.throwIfAny();
    this.computeSubnets = placement.compute.selection;
    this.computeSubnetsArePublic = placement.compute.isPublic;
    this.databaseSubnets = placement.databaseSubnets;

    if (props.s3GatewayEndpoint ?? !adopted) {
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
