import { aws_batch as batch, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { ComputeAccelerator } from './compute-accelerator';

/** Instance families that carry Neuron devices (Trainium and Inferentia). */
export const NEURON_INSTANCE_CLASSES = [
  ec2.InstanceClass.TRN1, ec2.InstanceClass.TRN1N, ec2.InstanceClass.TRN2, ec2.InstanceClass.INF1, ec2.InstanceClass.INF2,
];

const DEFAULT_INSTANCE_CLASSES: Record<ComputeAccelerator, ec2.InstanceClass[]> = {
  [ComputeAccelerator.NONE]: [ec2.InstanceClass.M6I, ec2.InstanceClass.C6I, ec2.InstanceClass.R6I],
  [ComputeAccelerator.NVIDIA_GPU]: [ec2.InstanceClass.G4DN, ec2.InstanceClass.G5],
  [ComputeAccelerator.AWS_NEURON]: [ec2.InstanceClass.TRN1, ec2.InstanceClass.INF2],
};

/** The accelerator an environment's options ask for: `accelerator`, else NVIDIA GPUs when `gpu` is true. */
export function acceleratorOf(options: { readonly accelerator?: ComputeAccelerator; readonly gpu?: boolean }): ComputeAccelerator {
  return options.accelerator ?? (options.gpu ? ComputeAccelerator.NVIDIA_GPU : ComputeAccelerator.NONE);
}

/** Instance families an environment launches when its options name none. */
export function defaultInstanceClassesOf(accelerator: ComputeAccelerator): ec2.InstanceClass[] {
  return DEFAULT_INSTANCE_CLASSES[accelerator];
}

/** The AMI of an environment: the user's, else the ECS-optimised Amazon Linux 2023 variant for the accelerator. */
export function machineImageOf(accelerator: ComputeAccelerator, machineImage: ec2.IMachineImage | undefined): batch.EcsMachineImage {
  switch (accelerator) {
    case ComputeAccelerator.NVIDIA_GPU:
      return { imageType: batch.EcsMachineImageType.ECS_AL2023_NVIDIA, image: machineImage };
    case ComputeAccelerator.AWS_NEURON:
      // Batch has no Neuron image type; the Neuron AMI is an override of the AL2023 type, read from
      // /aws/service/ecs/optimized-ami/amazon-linux-2023/inf/recommended/image_id at deploy time.
      return {
        imageType: batch.EcsMachineImageType.ECS_AL2023,
        image: machineImage ?? ecs.EcsOptimizedImage.amazonLinux2023(ecs.AmiHardwareType.NEURON),
      };
    default:
      return { imageType: batch.EcsMachineImageType.ECS_AL2023, image: machineImage };
  }
}
