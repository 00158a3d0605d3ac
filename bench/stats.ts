/** Median with min and max: every figure the benchmark reports. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function figure(values: number[]): Figure {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, n: sorted.length };
}

export const show = (value: Figure, digits = 3, unit = ''): string =>
  `${value.median.toFixed(digits)}${unit} (min ${value.min.toFixed(digits)}, max ${value.max.toFixed(digits)}, n=${value.n})`;
