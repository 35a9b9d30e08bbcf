import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ScheduledJob, chainSeconds, nextJob, plannedSeconds } from '../../src/experiments/schedule';

const job = (id: string, estimate: number, after: string[] = []): ScheduledJob => ({ id, estimate, after });

test('nextJob: the head of the longest chain first; a job waits for its pending or running `after` jobs', () => {
  const jobs = [job('a', 10), job('b', 50, ['c']), job('c', 20), job('d', 30)];
  assert.equal(nextJob(jobs, new Set())?.id, 'c', 'c (20) heads the chain c → b (70); b waits on c');
  assert.equal(nextJob([job('a', 10), job('d', 30), job('e', 20)], new Set())?.id, 'd', 'independent jobs: longest first');
  assert.equal(nextJob(jobs.filter((j) => j.id !== 'c'), new Set(['c']))?.id, 'd', 'b still waits while c runs');
  assert.equal(nextJob([job('a', 10), job('b', 50, ['c'])], new Set())?.id, 'b', 'an `after` that is neither pending nor running counts as done');
  assert.equal(nextJob([job('b', 50, ['c'])], new Set(['c'])), undefined);
});

test('plannedSeconds: LPT on parallel slots, dependencies respected, cycles are an error', () => {
  assert.equal(plannedSeconds([job('a', 10), job('b', 20), job('c', 30)], 1), 60);
  assert.equal(plannedSeconds([job('a', 10), job('b', 20), job('c', 30)], 2), 30, 'c alone, a + b on the other slot');
  // b must follow c: c (20) then b (50) = 70 on one slot while d, a share the other.
  assert.equal(plannedSeconds([job('a', 10), job('b', 50, ['c']), job('c', 20), job('d', 30)], 2), 70);
  // Longest-first alone would start x and y (60 each), then c at 60 and b at 80: 130. The chain rule starts c → b
  // (70) beside x: y follows c at 20, b follows x at 60: 110.
  assert.equal(plannedSeconds([job('x', 60), job('y', 60), job('b', 50, ['c']), job('c', 20)], 2), 110);
  assert.throws(() => plannedSeconds([job('a', 1, ['b']), job('b', 1, ['a'])], 2), /wait on each other: a, b/);
});

test('chainSeconds: own estimate plus the longest chain waiting on it', () => {
  const jobs = [job('a', 10), job('b', 5, ['a']), job('c', 7, ['b']), job('d', 1, ['a'])];
  assert.equal(chainSeconds(jobs[0], jobs), 22);
  assert.equal(chainSeconds(jobs[3], jobs), 1);
});
