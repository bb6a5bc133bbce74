/**
 * The accelerators an EC2 compute environment's instances carry, which decides the AMI and the
 * default instance families.
 */
export enum ComputeAccelerator {
  /** No accelerator: the ECS-optimised Amazon Linux 2023 AMI. */
  NONE = 'NONE',
  /**
   * NVIDIA GPUs, for `@batch(gpu=N)`: the ECS GPU-optimised Amazon Linux 2023 AMI on G and P instances.
   * The same as `gpu: true`.
   */
  NVIDIA_GPU = 'NVIDIA_GPU',
  /**
   * AWS Trainium and Inferentia, for `@batch(trainium=N)` or `@batch(inferentia=N)`, which map
   * `/dev/neuron0..N-1` into the container: the ECS-optimised Amazon Linux 2023 Neuron AMI (its public
   * SSM parameter, resolved at deploy time) on trn and inf instances.
   */
  AWS_NEURON = 'AWS_NEURON',
}
