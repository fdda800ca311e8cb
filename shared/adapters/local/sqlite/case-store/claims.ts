/** Source claims and tracking numbers on SQLite: the CaseStore's claim half (one statement each). */
import { Code } from '../../../../domain/intake';
import { ConcurrentUpdateError, ValidationError } from '../../../../domain/errors';
import type { SourceClaim } from '../../../../ports';
import type { Db } from '../db';
import type { StoreStats } from '../stats';

const TRACKING_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export const trackingCounterName = (jurisdiction: string, yyyymmdd: string): string => `TRACK#${jurisdiction}#${yyyymmdd}`;

export class SqliteSourceClaims {
  private readonly s;

  constructor(
    db: Db,
    private readonly stats: StoreStats,
    /** Source claims without a case older than this may be taken over. */
    private readonly defaultStaleAfterMs: number,
  ) {
    this.s = {
      claim: db.prepare('INSERT INTO sources (source_key, claimed_at) VALUES (?, ?) ON CONFLICT (source_key) DO NOTHING'),
      source: db.prepare<[string], { claimed_at: string; case_id: string | null }>('SELECT claimed_at, case_id FROM sources WHERE source_key = ?'),
      takeOver: db.prepare('UPDATE sources SET claimed_at = ?, taken_over_from = claimed_at WHERE source_key = ? AND claimed_at = ? AND case_id IS NULL'),
      bind: db.prepare(
        'INSERT INTO sources (source_key, claimed_at, case_id) VALUES (?, ?, ?) ON CONFLICT (source_key) DO UPDATE SET case_id = excluded.case_id WHERE case_id IS NULL OR case_id = excluded.case_id',
      ),
      counter: db.prepare<[string], { value: number }>('INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value'),
    };
  }

  async claimSource(key: string, at: string, opts?: { staleAfterMs?: number }): Promise<SourceClaim> {
    this.stats.calls++;
    if (this.s.claim.run(key, at).changes === 1) {
      this.stats.transactions++;
      return { outcome: 'claimed' };
    }
    const existing = this.s.source.get(key);
    if (!existing) throw new ConcurrentUpdateError();
    if (existing.case_id) return { outcome: 'duplicate', caseId: existing.case_id, claimedAt: existing.claimed_at };
    const staleAfterMs = opts?.staleAfterMs ?? this.defaultStaleAfterMs;
    if (Date.parse(at) - Date.parse(existing.claimed_at) < staleAfterMs) return { outcome: 'duplicate', claimedAt: existing.claimed_at };
    if (this.s.takeOver.run(at, key, existing.claimed_at).changes === 1) {
      this.stats.transactions++;
      return { outcome: 'claimed' };
    }
    const now = this.s.source.get(key);
    return { outcome: 'duplicate', ...(now?.case_id ? { caseId: now.case_id } : {}), claimedAt: now?.claimed_at ?? existing.claimed_at };
  }

  async bindSource(key: string, caseId: string): Promise<void> {
    this.stats.calls++;
    const r = this.s.bind.run(key, new Date().toISOString(), caseId);
    if (r.changes === 0) throw new ConcurrentUpdateError('该来源已登记为另一投诉件，请按重复件处理。');
    this.stats.transactions++;
  }

  async allocateTrackingNo(jurisdiction: string, shanghaiDate: string): Promise<string> {
    this.stats.calls++;
    const m = TRACKING_DATE.exec(shanghaiDate);
    if (!m) throw new ValidationError([{ field: 'shanghaiDate', message: '日期格式应为 YYYY-MM-DD。', code: 'invalid_date' }]);
    if (!Code.safeParse(jurisdiction).success) throw new ValidationError([{ field: 'jurisdiction', message: '辖区编码格式错误。', code: 'invalid_code' }]);
    const yyyymmdd = `${m[1]}${m[2]}${m[3]}`;
    const n = this.s.counter.get(trackingCounterName(jurisdiction, yyyymmdd))!.value;
    this.stats.transactions++;
    return `${jurisdiction}-${yyyymmdd}-${String(n).padStart(4, '0')}`;
  }
}
