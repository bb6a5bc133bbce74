import { PropErrors } from './prop-errors';

/** Fargate's valid memory sizes (MiB) for each CPU size (units). */
const FARGATE_MEMORY: Record<number, [number, number]> = {
  256: [512, 2048], 512: [1024, 4096], 1024: [2048, 8192], 2048: [4096, 16384], 4096: [8192, 30720],
};

/** Records a problem unless `cpu` is a Fargate CPU size and `memory` fits it. */
export function checkFargateSize(cpu: number, memory: number, errors: PropErrors): void {
  const memoryRange = FARGATE_MEMORY[cpu];
  errors.check(memoryRange !== undefined, 'cpu', `${cpu} is not a Fargate CPU size`, `use one of ${Object.keys(FARGATE_MEMORY).join(', ')}`);
  if (memoryRange) {
    errors.check(memory >= memoryRange[0] && memory <= memoryRange[1], 'memoryLimitMiB', `${memory} MiB does not fit cpu ${cpu}`,
      `use ${memoryRange[0]} to ${memoryRange[1]} MiB for cpu ${cpu}`);
  }
}
