/**
 * Order of the experiments `make figures` runs side by side: longest chain first (a job's own estimate plus the
 * longest chain of the jobs waiting on it — the critical-path rule, which is "longest first" for independent jobs),
 * never before the experiments named in `after` have finished.
 */
import { LmiError } from '../errors';

export interface ScheduledJob {
  id: string;
  /** Experiments whose cached artefacts this one reads (e.g. Table 3 loads the LMIndexer Table 1 trained). */
  after: readonly string[];
  /** Expected one-core seconds (for the order and the ETA). */
  estimate: number;
}

/** Seconds from the start of `job` to the end of the longest chain of pending jobs that wait on it. */
export function chainSeconds(job: ScheduledJob, pending: readonly ScheduledJob[], seen: ReadonlySet<string> = new Set()): number {
  const next = new Set([...seen, job.id]);
  const waiting = pending.filter((d) => d.id !== job.id && !seen.has(d.id) && d.after.includes(job.id));
  return job.estimate + Math.max(0, ...waiting.map((d) => chainSeconds(d, pending, next)));
}

/**
 * The next job to start: of the pending jobs whose `after` jobs are all finished (an `after` id that is not pending
 * or running — cached, not chosen, failed — counts as finished), the one heading the longest chain. Undefined when
 * none can start now.
 */
export function nextJob(pending: readonly ScheduledJob[], running: ReadonlySet<string>): ScheduledJob | undefined {
  const waiting = new Set([...pending.map((j) => j.id), ...running]);
  const ready = pending.filter((j) => j.after.every((a) => a === j.id || !waiting.has(a)));
  let best: ScheduledJob | undefined;
  let bestChain = -Infinity;
  for (const j of ready) {
    const c = chainSeconds(j, pending);
    if (c > bestChain) [best, bestChain] = [j, c];
  }
  return best;
}

/** Simulated wall seconds of running `jobs` on `slots` parallel slots with `nextJob` (for the plan line and tests). */
export function plannedSeconds(jobs: readonly ScheduledJob[], slots: number): number {
  const pending = [...jobs];
  const running: { job: ScheduledJob; end: number }[] = [];
  let now = 0;
  while (pending.length || running.length) {
    let j: ScheduledJob | undefined;
    while (running.length < slots && (j = nextJob(pending, new Set(running.map((r) => r.job.id))))) {
      pending.splice(pending.indexOf(j), 1);
      running.push({ job: j, end: now + j.estimate });
    }
    if (!running.length) throw new LmiError(`schedule: jobs wait on each other: ${pending.map((p) => p.id).join(', ')}`);
    running.sort((a, b) => a.end - b.end);
    now = running.shift()!.end;
  }
  return now;
}
