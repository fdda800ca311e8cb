/**
 * CPU per duplicate fingerprint (issue 26 item 6: the matcher's share of an intake's CPU). BENCH_FP_INTAKES
 * (default 500) distinct web complaints of the default jurisdiction (bench/http-intake.bench.ts `distinctComplaint`),
 * fingerprinted with the options both runtimes give the matcher (shared/composition/duplicate-matching.ts: directory,
 * catalogue, halls, places, dictionary words). CPU time (process.cpuUsage, less sensitive than wall time to other
 * work on a shared machine), the minimum of BENCH_FP_ROUNDS (default 5) rounds after one warm round. The digest is a
 * hash of every fingerprint's fields: a speed change must leave it as it was.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';
import { duplicateMatcherOptions } from '../shared/composition/duplicate-matching';
import { DEFAULT_JURISDICTION, loadJurisdiction } from '../shared/config/load';
import { fingerprint } from '../shared/domain/duplicates/fingerprint';
import type { FingerprintOptions } from '../shared/domain/duplicates/fingerprint';
import type { CanonicalIntake } from '../shared/domain/intake';
import { distinctComplaint } from './http-intake.bench';

export async function run() {
  const n = Number(process.env.BENCH_FP_INTAKES ?? 500);
  const rounds = Number(process.env.BENCH_FP_ROUNDS ?? 5);
  const j = loadJurisdiction(DEFAULT_JURISDICTION);
  const o = duplicateMatcherOptions(j);
  const opts = { departments: o.departments, services: o.services, halls: o.halls, places: o.places, tokenize: o.tokenize } as FingerprintOptions;
  const intakes = Array.from({ length: n }, (_, i) => {
    const c = distinctComplaint(i, j.departments) as { complainant: Record<string, unknown>; respondent: { unit: string }; matter: string; facts: string };
    return {
      channel: 'web',
      sourceKey: `web:fp-${i}`,
      receivedAt: '2026-03-03T10:00:00+08:00',
      receivedBy: 'agency',
      complainant: { ...c.complainant, anonymous: false, wantsReply: true, confidential: false },
      respondent: c.respondent,
      matter: c.matter,
      facts: c.facts,
      evidence: [],
    } as unknown as CanonicalIntake;
  });
  const digest = createHash('sha256');
  for (const it of intakes) {
    const f = fingerprint(it, opts);
    digest.update(JSON.stringify({ ...f, shingles: [...f.shingles].sort() }));
  }
  const per: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    for (const it of intakes) fingerprint(it, opts);
    const c = process.cpuUsage(c0);
    per.push((c.user + c.system) / 1000 / n);
  }
  return {
    name: 'CPU per duplicate fingerprint (issue 26)',
    results: {
      intakes: n,
      'CPU ms per fingerprint (min of rounds)': Number(Math.min(...per).toFixed(3)),
      'CPU ms per fingerprint (median of rounds)': Number([...per].sort((a, b) => a - b)[Math.floor(per.length / 2)]!.toFixed(3)),
      'digest of every fingerprint (must not change with a speed change)': digest.digest('hex').slice(0, 16),
      'load average (1 min)': os.loadavg()[0]!.toFixed(1),
    },
  };
}
