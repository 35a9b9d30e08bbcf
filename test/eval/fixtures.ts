import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AverageMethod } from '../../src/eval/information';

/** One clustering case of test/reference/eval/fixtures.json. */
export interface ClusteringCase {
  name: string;
  n: number;
  true?: string[];
  pred?: string[];
  trueB64u16?: string;
  predB64u16?: string;
  ami: Record<AverageMethod, number>;
  nmi: Record<AverageMethod, number>;
  mi: number;
  ari: number;
}

/** One ranking query of the fixture. */
export interface RankingQuery {
  id: string;
  relevant: string[];
  ranked: string[];
  metrics: Record<string, Record<string, number>>;
}

/** The whole fixture file (made by test/reference/eval/make_fixtures.py). */
export interface EvalFixtures {
  sklearn: string;
  clustering: ClusteringCase[];
  ranking: {
    ks: number[];
    queries: RankingQuery[];
    runsMissing: string[];
    unjudgedRun: { id: string; ranked: string[] };
    mean: Record<string, number>;
  };
}

/** Loads and parses the fixture file. */
export function loadFixtures(): EvalFixtures {
  const path = join(__dirname, '..', 'reference', 'eval', 'fixtures.json');
  return JSON.parse(readFileSync(path, 'utf8')) as EvalFixtures;
}

function decodeU16(b64: string): number[] {
  const buf = Buffer.from(b64, 'base64');
  const out: number[] = [];
  for (let i = 0; i < buf.length; i += 2) out.push(buf.readUInt16LE(i));
  return out;
}

/** The two labellings of a case, decoded. */
export function labelsOf(c: ClusteringCase): { t: (string | number)[]; p: (string | number)[] } {
  if (c.true && c.pred) return { t: c.true, p: c.pred };
  if (c.trueB64u16 === undefined || c.predB64u16 === undefined) throw new Error(`case ${c.name}: no labels`);
  return { t: decodeU16(c.trueB64u16), p: decodeU16(c.predB64u16) };
}
