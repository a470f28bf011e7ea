/**
 * The pacing policy's figures (the Pacer that applies them: ./request.ts). Apart so that Node scripts (bench/pacing.ts)
 * can name them without the build-time environment request.ts reads.
 */
export interface PacingOptions {
  /** Requests waiting for their answer at once. */
  concurrency: number;
  /** Milliseconds between two request starts. */
  minIntervalMs: number;
}

export const DEFAULT_PACING: PacingOptions = { concurrency: 4, minIntervalMs: 0 };
