import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ScheduledJob, nextJob, plannedSeconds } from '../../src/experiments/schedule';

const job = (id: string, estimate: number, after: string[] = []): ScheduledJob => ({ id, estimate, after });

test('nextJob: longest ready job first; a job waits for its pending or running `after` jobs', () => {
  const jobs = [job('a', 10), job('b', 50, ['c']), job('c', 20), job('d', 30)];
  assert.equal(nextJob(jobs, new Set())?.id, 'd', 'b (50) waits on c');
  assert.equal(nextJob(jobs.filter((j) => j.id !== 'c'), new Set(['c']))?.id, 'd', 'b still waits while c runs');
  assert.equal(nextJob([job('a', 10), job('b', 50, ['c'])], new Set())?.id, 'b', 'an `after` that is neither pending nor running counts as done');
  assert.equal(nextJob([job('b', 50, ['c'])], new Set(['c'])), undefined);
});

test('plannedSeconds: LPT on parallel slots, dependencies respected, cycles are an error', () => {
  assert.equal(plannedSeconds([job('a', 10), job('b', 20), job('c', 30)], 1), 60);
  assert.equal(plannedSeconds([job('a', 10), job('b', 20), job('c', 30)], 2), 30, 'c alone, a + b on the other slot');
  // b must follow c: c (20) then b (50) = 70 on one slot while a, d share the other.
  assert.equal(plannedSeconds([job('a', 10), job('b', 50, ['c']), job('c', 20), job('d', 30)], 2), 70);
  assert.throws(() => plannedSeconds([job('a', 1, ['b']), job('b', 1, ['a'])], 2), /wait on each other: a, b/);
});
