import { aws_batch as batch, aws_ec2 as ec2, aws_iam as iam, Size } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { acceleratorOf, defaultInstanceClassesOf, machineImageOf } from './accelerator-defaults';
import { isFargateKind, validateEnvironment } from './batch-props-validation';
import { ComputeAccelerator } from './compute-accelerator';
import { ComputeEnvironmentKind, MetaflowComputeEnvironmentOptions } from './compute-environment-options';
import { estimatedVcpusOf } from './instance-type-names';
import { createMultiNodeNetwork } from './multi-node-network';
import { computePlacementOf } from '../network/subnet-placement';
import { PropErrors } from '../private/prop-errors';

const DEFAULT_MAX_VCPUS = 64;
/** A multi-node environment's default maximum fits this many nodes of its instance type. */
const DEFAULT_MAX_NODES = 4;
const DEFAULT_ROOT_VOLUME = Size.gibibytes(100);
/** Metaflow reads IMDS from the job container (plugins/aws/aws_utils.py, the Spot termination monitor sidecar). */
const DEFAULT_HOP_LIMIT = 2;

/**
 * Props of a `MetaflowComputeEnvironment`.
 */
export interface MetaflowComputeEnvironmentProps extends MetaflowComputeEnvironmentOptions {
  /** The VPC to launch capacity in. */
  readonly vpc: ec2.IVpc;

  /**
   * Subnets to launch capacity in. A multi-node environment uses those of one Availability Zone.
   *
   * @default - private subnets with egress if the VPC has them, otherwise public subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /** The security group every instance or Fargate task of the platform joins. */
  readonly securityGroup: ec2.ISecurityGroup;

  /**
   * Role of the EC2 instances (ignored for Fargate kinds).
   *
   * @default - a role with the AmazonEC2ContainerServiceforEC2Role managed policy
   */
  readonly instanceRole?: iam.IRole;
}

/**
 * One AWS Batch managed compute environment: EC2 (on-demand or Spot, with or without NVIDIA GPUs or
 * Neuron devices, with a launch template that requires IMDSv2 and encrypts the root volume,
 * optionally ready for multi-node parallel jobs) or Fargate (on-demand or Spot).
 *
 * It has no fixed name, so a change that needs a new environment replaces it without failing.
 */
export class MetaflowComputeEnvironment extends Construct {
  /** The compute environment. */
  public readonly computeEnvironment: batch.IManagedComputeEnvironment;
  /** Where the capacity comes from. */
  public readonly kind: ComputeEnvironmentKind;
  /** True for Fargate and Fargate Spot environments. */
  public readonly isFargate: boolean;
  /** The accelerators of the instances (NONE for Fargate). */
  public readonly accelerator: ComputeAccelerator;
  /** True when the environment runs NVIDIA GPU instances. */
  public readonly gpu: boolean;
  /** True when the environment is ready for multi-node parallel jobs (`multiNode`). */
  public readonly multiNode: boolean;
  /** EFA interfaces per instance of a multi-node environment; 0 without EFA. */
  public readonly efaInterfaces: number;
  /** The launch template of an EC2 environment. */
  public readonly launchTemplate?: ec2.LaunchTemplate;
  /** The security group that admits all traffic between the nodes of a multi-node environment. */
  public readonly multiNodeSecurityGroup?: ec2.SecurityGroup;
  /** The cluster placement group of a multi-node environment: the one given, or a new one. */
  public readonly placementGroup?: ec2.IPlacementGroup;

  constructor(scope: Construct, id: string, props: MetaflowComputeEnvironmentProps) {
    super(scope, id);
    this.kind = props.kind ?? ComputeEnvironmentKind.EC2_ON_DEMAND;
    this.isFargate = isFargateKind(this.kind);
    this.accelerator = acceleratorOf(props);
    this.gpu = this.accelerator === ComputeAccelerator.NVIDIA_GPU;
    this.multiNode = props.multiNode !== undefined;
    this.efaInterfaces = props.multiNode?.efaInterfaces ?? 0;

    const errors = PropErrors.for('MetaflowComputeEnvironment');
    validateEnvironment(errors, props);
    const placement = computePlacementOf(props.vpc, props.vpcSubnets, errors, 'vpcSubnets');
    const network = props.multiNode ? createMultiNodeNetwork(this, props.vpc, placement, props.multiNode, errors) : undefined;
    errors.throwIfAny();
    this.multiNodeSecurityGroup = network?.securityGroup;
    this.placementGroup = network?.placementGroup;
    const vpcSubnets = network?.vpcSubnets ?? placement.selection;
    const securityGroups = [props.securityGroup, ...(network ? [network.securityGroup] : []), ...(props.securityGroups ?? [])];

    if (this.isFargate) {
      this.computeEnvironment = this.createFargateEnvironment(props, vpcSubnets, securityGroups);
      return;
    }
    this.launchTemplate = this.createLaunchTemplate(props, securityGroups);
    this.computeEnvironment = this.createEc2Environment(props, vpcSubnets, securityGroups, this.launchTemplate);
  }

  /** Batch cannot switch an environment between kinds in place; the kind in the id makes CloudFormation create the new one first. */
  private get environmentId(): string {
    return `ComputeEnvironment${this.kind}`;
  }

  private createFargateEnvironment(props: MetaflowComputeEnvironmentProps, vpcSubnets: ec2.SubnetSelection,
    securityGroups: ec2.ISecurityGroup[]): batch.IManagedComputeEnvironment {
    return new batch.FargateComputeEnvironment(this, this.environmentId, {
      vpc: props.vpc,
      vpcSubnets,
      securityGroups,
      spot: this.kind === ComputeEnvironmentKind.FARGATE_SPOT,
      maxvCpus: props.maxVcpus ?? DEFAULT_MAX_VCPUS,
      // Fargate environments take no infrastructure updates; replace them when a change needs it.
      replaceComputeEnvironment: true,
    });
  }

  private createLaunchTemplate(props: MetaflowComputeEnvironmentProps, securityGroups: ec2.ISecurityGroup[]): ec2.LaunchTemplate {
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      requireImdsv2: true,
      // Containers sit one network hop behind the instance; IMDSv2 answers them only with a hop limit of 2.
      httpPutResponseHopLimit: props.instanceMetadataHopLimit ?? DEFAULT_HOP_LIMIT,
      blockDevices: [{
        deviceName: '/dev/xvda',
        volume: ec2.BlockDeviceVolume.ebs((props.rootVolumeSize ?? DEFAULT_ROOT_VOLUME).toGibibytes(), {
          encrypted: true,
          volumeType: ec2.EbsDeviceVolumeType.GP3,
          deleteOnTermination: true,
        }),
      }],
    });
    if (this.efaInterfaces > 0) {
      // ec2.LaunchTemplate has no network interface prop (aws-cdk-lib 2.257), hence the override. One EFA
      // interface per network card: card 0 holds the primary interface (device 0), the others device 1.
      // An instance with interfaces in its template takes its security groups from them.
      const cfnLaunchTemplate = launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate;
      cfnLaunchTemplate.addPropertyOverride('LaunchTemplateData.NetworkInterfaces',
        Array.from({ length: this.efaInterfaces }, (_, card) => ({
          NetworkCardIndex: card,
          DeviceIndex: card === 0 ? 0 : 1,
          InterfaceType: 'efa',
          Groups: securityGroups.map((group) => group.securityGroupId),
          DeleteOnTermination: true,
        })));
    }
    return launchTemplate;
  }

  /** 64, or for a multi-node environment enough for a few nodes: 64 vCPUs would not start two g5.12xlarge (48 each). */
  private defaultMaxVcpus(props: MetaflowComputeEnvironmentProps): number {
    const nodeVcpus = this.multiNode && props.instanceTypes?.length === 1 ? estimatedVcpusOf(props.instanceTypes[0]) : undefined;
    return nodeVcpus ? Math.max(DEFAULT_MAX_VCPUS, DEFAULT_MAX_NODES * nodeVcpus) : DEFAULT_MAX_VCPUS;
  }

  private createEc2Environment(props: MetaflowComputeEnvironmentProps, vpcSubnets: ec2.SubnetSelection,
    securityGroups: ec2.ISecurityGroup[], launchTemplate: ec2.LaunchTemplate): batch.IManagedComputeEnvironment {
    const spot = this.kind === ComputeEnvironmentKind.EC2_SPOT;
    const allocationStrategy = props.allocationStrategy ?? (spot
      ? batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED
      : batch.AllocationStrategy.BEST_FIT_PROGRESSIVE);
    const environment = new batch.ManagedEc2EcsComputeEnvironment(this, this.environmentId, {
      vpc: props.vpc,
      vpcSubnets,
      securityGroups,
      spot,
      minvCpus: props.minVcpus ?? 0,
      maxvCpus: props.maxVcpus ?? this.defaultMaxVcpus(props),
      instanceTypes: props.instanceTypes,
      instanceClasses: props.instanceClasses ?? (props.instanceTypes ? [] : defaultInstanceClassesOf(this.accelerator)),
      useOptimalInstanceClasses: false,
      allocationStrategy,
      // Only BEST_FIT environments cannot take infrastructure updates; they must be replaced instead.
      replaceComputeEnvironment: allocationStrategy === batch.AllocationStrategy.BEST_FIT,
      spotBidPercentage: props.spotBidPercentage,
      images: [machineImageOf(this.accelerator, props.machineImage)],
      launchTemplate,
      instanceRole: props.instanceRole,
      placementGroup: this.placementGroup,
      updateToLatestImageVersion: true,
    });
    const cfnEnvironment = environment.node.defaultChild as batch.CfnComputeEnvironment;
    // Pinning the version makes a launch template change (e.g. root volume size) update the environment.
    cfnEnvironment.addPropertyOverride('ComputeResources.LaunchTemplate.Version', launchTemplate.latestVersionNumber);
    if (props.desiredVcpus !== undefined) {
      cfnEnvironment.addPropertyOverride('ComputeResources.DesiredvCpus', props.desiredVcpus);
    }
    if (this.efaInterfaces > 0) {
      // Batch refuses an environment with security groups of its own beside network interfaces in the launch
      // template ("Either compute environment Security Groups or Network Interfaces in Launch template are
      // exclusively allowed", aws/aws-cdk#21577); the groups are on the interfaces instead.
      cfnEnvironment.addPropertyDeletionOverride('ComputeResources.SecurityGroupIds');
    }
    return environment;
  }
}
