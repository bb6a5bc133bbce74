import { aws_batch as batch, aws_ec2 as ec2, aws_ecr as ecr, aws_logs as logs, Size, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ComputeAccelerator, ComputeEnvironmentKind, MetaflowPlatform, StepSecrets, UiLogin } from '../../src';

/**
 * Batch at scale: on-demand CPU, Spot with an on-demand fallback, GPU and Fargate queues side by
 * side, each picked per step with `@batch(queue='...')`, and two for distributed training with
 * `@parallel`: multi-node GPU with EFA, and Trainium. Every environment scales to zero. The UI
 * runs on an internal load balancer for the company network. Day-2 options are on: cost-allocation
 * tags, secrets for steps, a shared file system, and alarms with a dashboard.
 */
export class FullPlatformStack extends Stack {
  public readonly platform: MetaflowPlatform;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.platform = new MetaflowPlatform(this, 'Metaflow', {
      network: { natGateways: 1 },
      batch: {
        computeEnvironments: [
          { name: 'cpu', maxVcpus: 256 },
          {
            name: 'spot',
            kind: ComputeEnvironmentKind.EC2_SPOT,
            maxVcpus: 512,
            allocationStrategy: batch.AllocationStrategy.SPOT_CAPACITY_OPTIMIZED,
            instanceClasses: [ec2.InstanceClass.M6I, ec2.InstanceClass.C6I, ec2.InstanceClass.R6I, ec2.InstanceClass.M7I, ec2.InstanceClass.C7I],
          },
          { name: 'gpu', gpu: true, maxVcpus: 96, rootVolumeSize: Size.gibibytes(200) },
          { name: 'fargate', kind: ComputeEnvironmentKind.FARGATE_SPOT, maxVcpus: 64 },
          // @parallel steps with @batch(queue='<MetaflowJobQueueMultiGpu>', gpu=4, efa=1): up to four g5.12xlarge
          // nodes (4 A10G GPUs each) in one zone and placement group, talking over EFA.
          {
            name: 'multi-gpu',
            gpu: true,
            instanceTypes: [new ec2.InstanceType('g5.12xlarge')],
            maxVcpus: 192,
            rootVolumeSize: Size.gibibytes(200),
            multiNode: { efaInterfaces: 1 },
          },
          // Trainium for @parallel steps with @batch(queue='<MetaflowJobQueueTrainium>', trainium=16, efa=8): two
          // trn1.32xlarge nodes on the Neuron AMI, each with its eight EFA interfaces.
          {
            name: 'trainium',
            accelerator: ComputeAccelerator.AWS_NEURON,
            instanceTypes: [new ec2.InstanceType('trn1.32xlarge')],
            maxVcpus: 256,
            rootVolumeSize: Size.gibibytes(500),
            multiNode: { efaInterfaces: 8 },
          },
        ],
        jobQueues: [{ name: 'spot-with-fallback', computeEnvironments: ['spot', 'cpu'] }],
        defaultJobQueue: 'cpu',
        // This account runs only Metaflow on Batch, so the shared job log group may expire logs too.
        jobLogRetention: logs.RetentionDays.THREE_MONTHS,
        // The team's step images, named per step with @batch(image='<repository uri>:<tag>').
        imageRepository: { useAsDefaultImage: false, imageTagMutability: ecr.TagMutability.IMMUTABLE },
      },
      // The UI inside the VPC, for people on the company network (VPN): plain HTTP, no login, allow-listed ranges.
      ui: { internetFacing: false, login: UiLogin.none(), allowedCidrs: ['10.0.0.0/8'] },
      // Cost allocation: on every resource and every Batch job.
      tags: { 'cost-center': 'ml-platform', 'team': 'research' },
      // Two metadata service and UI tasks in two zones, a Multi-AZ database: survives one task's or one zone's loss.
      highAvailability: true,
      // Steps read secrets stored under metaflow/research/ with @secrets(sources=['metaflow/research/<name>']).
      secrets: StepSecrets.awsSecretsManager({ namePrefix: 'metaflow/research/' }),
      // A file system steps mount with @batch(efs_volumes=['<SharedFileSystemId>:/mnt/shared']).
      sharedStorage: {},
      monitoring: { alarmEmails: ['ml-platform-oncall@example.com'] },
    });
  }
}
