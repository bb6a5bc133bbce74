import { aws_batch as batch, aws_ec2 as ec2, aws_iam as iam, Size } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { isFargateKind } from './batch-props-validation';
import { ComputeEnvironmentKind, MetaflowComputeEnvironmentOptions } from './compute-environment-options';
import { computePlacementOf } from '../network/subnet-placement';
import { PropErrors } from '../private/prop-errors';

const DEFAULT_CPU_CLASSES = [ec2.InstanceClass.M6I, ec2.InstanceClass.C6I, ec2.InstanceClass.R6I];
const DEFAULT_GPU_CLASSES = [ec2.InstanceClass.G4DN, ec2.InstanceClass.G5];
const DEFAULT_MAX_VCPUS = 64;
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
   * Subnets to launch capacity in.
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
 * One AWS Batch managed compute environment: EC2 (on-demand or Spot, CPU or GPU, with a launch
 * template that requires IMDSv2 and encrypts the root volume) or Fargate (on-demand or Spot).
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
  /** True when the environment runs GPU instances. */
  public readonly gpu: boolean;
  /** The launch template of an EC2 environment. */
  public readonly launchTemplate?: ec2.LaunchTemplate;

  constructor(scope: Construct, id: string, props: MetaflowComputeEnvironmentProps) {
    super(scope, id);
    this.kind = props.kind ?? ComputeEnvironmentKind.EC2_ON_DEMAND;
    this.isFargate = isFargateKind(this.kind);
    this.gpu = props.gpu ?? false;

    const securityGroups = [props.securityGroup, ...(props.securityGroups ?? [])];
    const errors = PropErrors.for('MetaflowComputeEnvironment');
    const vpcSubnets = computePlacementOf(props.vpc, props.vpcSubnets, errors, 'vpcSubnets').selection;
    errors.throwIfAny();
    // Batch cannot switch an environment between kinds in place; a kind in the id makes CloudFormation
    // create the new environment, repoint the queue, then delete the old one.
    const environmentId = `ComputeEnvironment${this.kind}`;
    if (this.isFargate) {
      this.computeEnvironment = new batch.FargateComputeEnvironment(this, environmentId, {
        vpc: props.vpc,
        vpcSubnets,
        securityGroups,
        spot: this.kind === ComputeEnvironmentKind.FARGATE_SPOT,
        maxvCpus: props.maxVcpus ?? DEFAULT_MAX_VCPUS,
        // Fargate environments take no infrastructure updates; replace them when a change needs it.
        replaceComputeEnvironment: true,
      });
      return;
    }

    const spot = this.kind === ComputeEnvironmentKind.EC2_SPOT;
    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
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

    const allocationStrategy = props.allocationStrategy ?? (spot
      ? batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED
      : batch.AllocationStrategy.BEST_FIT_PROGRESSIVE);
    const imageType = this.gpu ? batch.EcsMachineImageType.ECS_AL2023_NVIDIA : batch.EcsMachineImageType.ECS_AL2023;
    const environment = new batch.ManagedEc2EcsComputeEnvironment(this, environmentId, {
      vpc: props.vpc,
      vpcSubnets,
      securityGroups,
      spot,
      minvCpus: props.minVcpus ?? 0,
      maxvCpus: props.maxVcpus ?? DEFAULT_MAX_VCPUS,
      instanceTypes: props.instanceTypes,
      instanceClasses: props.instanceClasses ?? (props.instanceTypes ? [] : (this.gpu ? DEFAULT_GPU_CLASSES : DEFAULT_CPU_CLASSES)),
      useOptimalInstanceClasses: false,
      allocationStrategy,
      // Only BEST_FIT environments cannot take infrastructure updates; they must be replaced instead.
      replaceComputeEnvironment: allocationStrategy === batch.AllocationStrategy.BEST_FIT,
      spotBidPercentage: props.spotBidPercentage,
      images: [{ imageType, image: props.machineImage }],
      launchTemplate: this.launchTemplate,
      instanceRole: props.instanceRole,
      updateToLatestImageVersion: true,
    });
    const cfnEnvironment = environment.node.defaultChild as batch.CfnComputeEnvironment;
    // Pinning the version makes a launch template change (e.g. root volume size) update the environment.
    cfnEnvironment.addPropertyOverride('ComputeResources.LaunchTemplate.Version', this.launchTemplate.latestVersionNumber);
    if (props.desiredVcpus !== undefined) {
      cfnEnvironment.addPropertyOverride('ComputeResources.DesiredvCpus', props.desiredVcpus);
    }
    this.computeEnvironment = environment;
  }
}
