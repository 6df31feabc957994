// One row of the `npm run bench` table. Ratios compare our code with a floor measured in the same run.
export interface BenchRow {
  name: string;
  /** Our median, milliseconds. */
  medianMs?: number;
  /** The floor's median, milliseconds (e.g. a bare js-yaml dump of the same objects). */
  floorMs?: number;
  /** medianMs / floorMs (or the row's own comparison, e.g. p99 vs p99). */
  ratio?: number;
  /** Free-form rate, e.g. `120,000 events/s`. */
  throughput?: string;
  peakRssMb?: number;
  /** Target and whether it was met, or anything else worth saying. */
  note?: string;
}
