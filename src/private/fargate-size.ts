import { PropErrors } from './prop-errors';

/** Fargate's valid memory sizes (MiB) for each CPU size (units). */
const FARGATE_MEMORY: Record<number, [number, number]> = {
  256: [512, 2048], 512: [1024, 4096], 1024: [2048, 8192], 2048: [4096, 16384], 4096: [8192, 30720],
};

/** A Fargate task size. */
export interface FargateSize {
  readonly cpu: number;
  readonly memoryLimitMiB: number;
}

/**
 * The task size from what the user gave: with only `cpu`, the default memory moved into that CPU's
 * range (`cpu: 512` alone gets 1024 MiB where the default is 512); with only memory, the default CPU,
 * or the smallest CPU that fits the memory.
 */
export function resolveFargateSize(cpu: number | undefined, memoryLimitMiB: number | undefined, defaults: FargateSize): FargateSize {
  if (cpu !== undefined && memoryLimitMiB === undefined) {
    const range = FARGATE_MEMORY[cpu];
    return { cpu, memoryLimitMiB: range ? Math.min(Math.max(defaults.memoryLimitMiB, range[0]), range[1]) : defaults.memoryLimitMiB };
  }
  if (cpu === undefined && memoryLimitMiB !== undefined && !fits(defaults.cpu, memoryLimitMiB)) {
    const fitting = Object.keys(FARGATE_MEMORY).map(Number).find((size) => fits(size, memoryLimitMiB));
    return { cpu: fitting ?? defaults.cpu, memoryLimitMiB };
  }
  return { cpu: cpu ?? defaults.cpu, memoryLimitMiB: memoryLimitMiB ?? defaults.memoryLimitMiB };
}

/** Records a problem unless the resolved size is a Fargate CPU size with a memory that fits it. */
export function checkFargateSize(size: FargateSize, errors: PropErrors): void {
  const { cpu, memoryLimitMiB: memory } = size;
  const memoryRange = FARGATE_MEMORY[cpu];
  errors.check(memoryRange !== undefined, 'cpu', `${cpu} is not a Fargate CPU size`, `use one of ${Object.keys(FARGATE_MEMORY).join(', ')}`);
  if (memoryRange) {
    errors.check(fits(cpu, memory), 'memoryLimitMiB', `${memory} MiB does not fit cpu ${cpu}`,
      `use ${memoryRange[0]} to ${memoryRange[1]} MiB for cpu ${cpu}`);
  }
}

function fits(cpu: number, memory: number): boolean {
  const range = FARGATE_MEMORY[cpu];
  return range !== undefined && memory >= range[0] && memory <= range[1];
}
