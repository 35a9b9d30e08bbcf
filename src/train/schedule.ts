/** Learning-rate schedules: linear warm-up, then constant, linear or cosine decay to `minRatio · peak`. */

export interface ScheduleOptions {
  /** Peak learning rate. */
  learningRate: number;
  /** Steps of linear warm-up from lr/warmup to the peak. */
  warmupSteps: number;
  /** Step at which decay ends (0 = no decay). */
  totalSteps: number;
  schedule: 'constant' | 'linear' | 'cosine';
  /** Final learning rate as a fraction of the peak. */
  minLearningRateRatio: number;
}

/** Learning rate for optimizer step `step` (0-based: the first update uses step 0). */
export function learningRateAt(step: number, o: ScheduleOptions): number {
  if (o.warmupSteps > 0 && step < o.warmupSteps) return (o.learningRate * (step + 1)) / o.warmupSteps;
  if (o.schedule === 'constant' || o.totalSteps <= o.warmupSteps) return o.learningRate;
  const progress = Math.min(1, (step - o.warmupSteps) / Math.max(1, o.totalSteps - o.warmupSteps));
  const min = o.learningRate * o.minLearningRateRatio;
  const factor = o.schedule === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return min + (o.learningRate - min) * factor;
}
