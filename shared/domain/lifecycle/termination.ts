/**
 * Art. 19 preconditions: each termination ground checks that the record shows what it rests on, and says in
 * Chinese what is missing (RuleViolationError with a precise code). Pure.
 *
 * - (一) 经提醒仍旧未补正: a recorded 补正 reminder (content, channel, date) whose period has passed.
 * - (二) 不出席协调活动或拒绝配合: what was missed or refused (the action's `refusal` field).
 * - (三) 自愿放弃: how and when the complainant gave up (the action's `withdrawal` field).
 * - (四) 其他: 无法联系 needs recorded failed contact attempts (rules `terminationPreconditions`); any other
 *   circumstance its explanation (the action's `note`).
 */
import type { CaseRecord } from '../case';
import { shanghaiDate } from '../calendar';
import { RuleViolationError } from '../errors';
import { DEFAULT_FAILED_CONTACT_ATTEMPTS } from '../rules';
import type { RulesVersion } from '../rules';
import type { ActionBodyOf } from './actions';
import { CORRECTION_CHANNEL_LABELS, TERMINATION_CIRCUMSTANCE_LABELS } from './actions';

/** A failed attempt to reach the complainant: a call not answered, a mail not delivered after its retries. */
interface Failure {
  at: string;
  what: string;
}

function failures(c: CaseRecord): Failure[] {
  const out: Failure[] = [];
  for (const t of c.contacts ?? []) {
    for (const a of t.attempts) if (a.outcome === 'no_answer') out.push({ at: a.at, what: `${t.id} 电话无人接听` });
    if (t.channel === 'email' && t.status === 'failed') out.push({ at: t.doneAt ?? t.createdAt, what: `${t.id} 邮件无法送达` });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

/** The last time the complainant was reached (a call answered, a mail sent, a letter posted), if any. */
function lastReached(c: CaseRecord): string | undefined {
  const times: string[] = [];
  for (const t of c.contacts ?? []) {
    for (const a of t.attempts) if (a.outcome === 'reached' || a.outcome === 'retry_later') times.push(a.at);
  }
  return times.sort().at(-1);
}

const hasContactDetails = (c: CaseRecord) => {
  const p = c.intake.complainant;
  return Boolean(p.phone?.trim() || p.email?.trim() || p.address?.trim());
};

/**
 * What the termination rests on, in one Chinese sentence for the timeline and the outcome; throws
 * RuleViolationError naming what is missing when the record does not show the ground's precondition.
 */
export function terminationBasis(c: CaseRecord, b: ActionBodyOf<'terminate'>, rules: RulesVersion, now: Date): string {
  const today = shanghaiDate(now);
  switch (b.reason) {
    case 'art19-1': {
      const requests = c.correctionRequests ?? [];
      if (requests.length === 0) {
        throw new RuleViolationError(
          'correction_reminder_missing',
          '以第十九条第（一）项（经提醒仍旧未补正）终止办理，须先记录对投诉人的补正提醒（提醒内容、方式、日期和补正期限）；本件尚无补正提醒记录，请先执行“补正提醒”。',
        );
      }
      const lapsed = requests.filter((r) => r.correctBy < today);
      if (lapsed.length === 0) {
        const last = [...requests].sort((x, y) => x.correctBy.localeCompare(y.correctBy)).at(-1)!;
        throw new RuleViolationError(
          'correction_period_running',
          `补正提醒 ${last.id}（${last.sentOn}以${CORRECTION_CHANNEL_LABELS[last.channel]}提醒）给予的补正期限至 ${last.correctBy}，期限届满前不能以“经提醒仍旧未补正”终止办理（第十九条第（一）项）；${last.correctBy} 之后方可终止。`,
        );
      }
      const r = lapsed.at(-1)!;
      return `已于${r.sentOn}以${CORRECTION_CHANNEL_LABELS[r.channel]}提醒投诉人补正（${r.id}），补正期限 ${r.correctBy} 已届满仍未补正`;
    }
    case 'art19-2':
      return `投诉人无正当理由不出席协调活动或拒绝配合：${b.refusal ?? ''}`;
    case 'art19-3':
      return `投诉人自愿放弃投诉：${b.withdrawal ?? ''}`;
    case 'art19-4': {
      if (b.circumstance !== 'unreachable') return `${TERMINATION_CIRCUMSTANCE_LABELS.other}：${b.note ?? ''}`;
      if (!hasContactDetails(c)) return '投诉人未留任何联系方式，无法联系';
      const need = rules.terminationPreconditions?.failedContactAttempts ?? DEFAULT_FAILED_CONTACT_ATTEMPTS;
      const failed = failures(c);
      const reached = lastReached(c);
      const since = reached ? failed.filter((f) => f.at > reached) : failed;
      if (since.length < need) {
        const tail = reached ? `（${shanghaiDate(reached)}已联系上投诉人，此后联系未果 ${since.length} 次）` : `（目前记录 ${since.length} 次）`;
        throw new RuleViolationError(
          'contact_attempts_missing',
          `以“无法联系投诉人”终止办理（第十九条第（四）项），须有至少 ${need} 次联系未果的记录（电话无人接听、邮件无法送达）${tail}；请在“记录告知结果”中记录每次联系的结果。`,
        );
      }
      return `${TERMINATION_CIRCUMSTANCE_LABELS.unreachable}：${since.map((f) => `${shanghaiDate(f.at)} ${f.what}`).join('；')}`;
    }
  }
}
