// Resource amounts in the units people read: cores/millicores and Mi/Gi.
import { parseQuantity } from '../../instance/quantity.js';

export function sumQuantities(values: string[]): number | undefined {
  let total = 0;
  for (const value of values) {
    const parsed = parseQuantity(value);
    if (parsed === undefined) return undefined;
    total += parsed;
  }
  return total;
}

export function formatCpu(cores: number): string {
  if (cores < 1) return `${Math.round(cores * 1000)}m`;
  return `${Number(cores.toFixed(2))}`;
}

export function formatMemory(bytes: number): string {
  const gi = bytes / 2 ** 30;
  if (gi >= 1) return `${Number(gi.toFixed(1))}Gi`;
  return `${Math.round(bytes / 2 ** 20)}Mi`;
}
