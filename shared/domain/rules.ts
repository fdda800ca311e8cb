import * as z from 'zod';
import type { NotAcceptedReason, TerminationReason } from './case';

const isoDate = z.iso.date();

/**
 * A rules version: every number and code the regulation gives, as data with effective dates (art. 22).
 * A case binds to the version in force when it was received.
 */
export const RulesVersion = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string(),
  /** Where the rules come from (document title, issuing body, document number). */
  source: z.string(),
  effectiveFrom: isoDate,
  /** Last day of stated validity; after it the latest version keeps applying, with a visible warning. */
  validUntil: isoDate.optional(),
  deadlines: z.object({
    /** art. 10: agency dispatches within N working days of receiving the complaint. */
    dispatchWorkingDays: z.number().int().positive(),
    /** art. 10: department decides acceptance within N working days of receiving it (or the slip). */
    acceptanceWorkingDays: z.number().int().positive(),
    /** art. 14(2): result of a transferred case within N working days of receiving the slip. */
    transferResultWorkingDays: z.number().int().positive(),
    /** art. 14(2): extension limit in working days. */
    extensionMaxWorkingDays: z.number().int().positive(),
    /**
     * art. 14(2) says "延期最长不超过15个工作日": read as the new deadline at most N working days after the
     * original one (`beyond_original`), or at most N working days after the slip was received (`total`).
     */
    extensionInterpretation: z.enum(['beyond_original', 'total']),
    /** art. 15: rectification filed within N working days of conclusion. */
    rectificationWorkingDays: z.number().int().positive(),
    /** art. 17: follow-up visit within N working days of conclusion. */
    followUpWorkingDays: z.number().int().positive(),
    /** Not in the regulation (art. 16 sets no deadline): the reply step's own policy deadline after conclusion. */
    replyWorkingDays: z.number().int().positive(),
    /** Policy default deadline for an intervention case when the agency sets none (art. 14(3)). */
    interventionDefaultWorkingDays: z.number().int().positive(),
  }),
  /** A reminder goes out this many working days before a due time. */
  reminderLeadWorkingDays: z.number().int().nonnegative(),
  evaluation: z.object({
    /** art. 20: more than N substantiated complaints in a quarter costs award eligibility. */
    substantiatedMoreThan: z.number().int().nonnegative(),
    /** Whether a partly substantiated finding counts as substantiated (查实) for art. 20. */
    countPartial: z.boolean(),
    /** art. 20: any overdue conclusion costs award eligibility. */
    overdueConclusionDisqualifies: z.boolean(),
  }),
  duplicates: z.object({
    /**
     * Window in calendar days in which intakes are compared for art. 11 merging (1 to 3650). The duplicate check
     * takes it from the version in force when the intake was received (shared/intake/core.ts).
     */
    windowDays: z.number().int().min(1).max(3650),
  }),
  /**
   * Policy, not in the regulation: how many recorded failed attempts to reach the complainant (calls not answered,
   * mails not delivered) a termination for 无法联系 (art. 19(4)) needs. Absent: DEFAULT_FAILED_CONTACT_ATTEMPTS.
   */
  terminationPreconditions: z.object({ failedContactAttempts: z.number().int().min(1).max(20) }).optional(),
  notAcceptedReasons: z.record(z.string(), z.object({ article: z.string(), label: z.string(), automatic: z.boolean() })),
  terminationReasons: z.record(z.string(), z.object({ article: z.string(), label: z.string() })),
});
export type RulesVersion = z.infer<typeof RulesVersion>;

/**
 * The art. 8 and art. 19 items, each `label` the item's text verbatim (without its closing punctuation), so a
 * notice that quotes it (“……”情形) quotes the regulation word for word; test/unit/rules-verbatim.test.ts checks
 * every label against the published text (test/fixtures/regulation/suining-2023.txt).
 */
const NOT_ACCEPTED: Record<NotAcceptedReason, { article: string; label: string; automatic: boolean }> = {
  'art8-1': { article: '第八条第（一）项', label: '不属于本单位管辖的', automatic: false },
  'art8-2': { article: '第八条第（二）项', label: '没有明确被投诉人或者投诉事项的，或者投诉事项与政务服务无关的', automatic: false },
  'art8-3': { article: '第八条第（三）项', label: '已经受理或者正在处理的', automatic: true },
  'art8-4': { article: '第八条第（四）项', label: '已经或者正在通过信访、诉讼、仲裁、行政复议、调解等途径解决的', automatic: false },
  'art8-5': { article: '第八条第（五）项', label: '已经办结，无新证明材料对同一事项重复投诉的', automatic: true },
  'art8-6': { article: '第八条第（六）项', label: '法律法规规章等明确规定不予办理的事项', automatic: false },
};

const TERMINATION: Record<TerminationReason, { article: string; label: string }> = {
  'art19-1': { article: '第十九条第（一）项', label: '经核实，投诉人未如实提交投诉材料，存在伪造、隐瞒情况，且经提醒仍旧未补正的' },
  'art19-2': { article: '第十九条第（二）项', label: '投诉人无正当理由不出席协调活动或拒绝配合' },
  'art19-3': { article: '第十九条第（三）项', label: '投诉人自愿放弃投诉的' },
  'art19-4': { article: '第十九条第（四）项', label: '投诉事项有其他应当终止办理情形的' },
};

/** 《遂宁市政务服务投诉处理办法（试行）》, in force 2023-10-01 for two years (art. 22). */
export const SUINING_2023: RulesVersion = {
  id: 'suining-2023',
  title: '遂宁市政务服务投诉处理办法（试行）',
  source: '遂宁市政务服务和大数据管理局印发（遂政数规〔2023〕1号），2023年8月23日；自2023年10月1日起施行，有效期两年（第二十二条）',
  effectiveFrom: '2023-10-01',
  validUntil: '2025-09-30',
  deadlines: {
    dispatchWorkingDays: 2,
    acceptanceWorkingDays: 2,
    transferResultWorkingDays: 3,
    extensionMaxWorkingDays: 15,
    extensionInterpretation: 'beyond_original',
    rectificationWorkingDays: 2,
    followUpWorkingDays: 3,
    replyWorkingDays: 3,
    interventionDefaultWorkingDays: 15,
  },
  reminderLeadWorkingDays: 1,
  evaluation: { substantiatedMoreThan: 3, countPartial: true, overdueConclusionDisqualifies: true },
  duplicates: { windowDays: 90 },
  notAcceptedReasons: NOT_ACCEPTED,
  terminationReasons: TERMINATION,
};

export const NOT_ACCEPTED_REASONS = NOT_ACCEPTED;
/** Failed contact attempts a termination for 无法联系 needs when the rules version sets none. */
export const DEFAULT_FAILED_CONTACT_ATTEMPTS = 2;
export const TERMINATION_REASONS = TERMINATION;

export interface RulesLapse {
  version: RulesVersion;
  /** True when the version's stated validity ended before `date` and no later version exists. */
  lapsed: boolean;
  message?: string;
}

/** Registry of rules versions; administrators register successors as data, no code change. */
export class RulesRegistry {
  private readonly versions: RulesVersion[];

  constructor(versions: RulesVersion[] = [SUINING_2023]) {
    if (versions.length === 0) throw new Error('RulesRegistry needs at least one rules version');
    this.versions = [...versions].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  }

  all(): readonly RulesVersion[] {
    return this.versions;
  }

  byId(id: string): RulesVersion {
    const v = this.versions.find((x) => x.id === id);
    if (!v) throw new Error(`unknown rules version: ${id}`);
    return v;
  }

  /** The version in force on a Shanghai date (YYYY-MM-DD): the latest whose effectiveFrom is on or before it. */
  inForceOn(shanghaiDate: string): RulesLapse {
    const candidates = this.versions.filter((v) => v.effectiveFrom <= shanghaiDate);
    const version = candidates[candidates.length - 1] ?? this.versions[0]!;
    const lapsed = version.validUntil !== undefined && version.validUntil < shanghaiDate;
    const successor = this.versions.find((v) => v.effectiveFrom > shanghaiDate);
    return {
      version,
      lapsed,
      message: !lapsed
        ? undefined
        : successor
          ? `规则版本 ${version.id} 的有效期已于 ${version.validUntil} 届满；新版本 ${successor.id} 自 ${successor.effectiveFrom} 起施行，在此之前系统继续适用 ${version.id}。`
          : `规则版本 ${version.id} 的有效期已于 ${version.validUntil} 届满，尚无新版本登记，系统继续适用该版本。请管理员登记新的规则版本。`,
    };
  }
}

export interface RulesStatus {
  date: string;
  /** The version in force on `date`. */
  inForce: RulesVersion;
  lapsed: boolean;
  /** A registered version whose effectiveFrom is after `date`, if any. */
  next?: RulesVersion;
  /** Chinese warnings for the administrator (empty when all is in order). */
  warnings: string[];
}

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** How many days before the end of validity the administrator is warned that a successor is due. */
export const LAPSE_NOTICE_DAYS = 60;

/**
 * The rules situation on a Shanghai date: the version in force, whether its stated validity has ended
 * (the system keeps applying it, art. 22 gives no gap rule), and what the administrator should do.
 */
export function rulesStatus(registry: RulesRegistry, shanghaiDate: string): RulesStatus {
  const { version, lapsed } = registry.inForceOn(shanghaiDate);
  const next = registry.all().find((v) => v.effectiveFrom > shanghaiDate);
  const warnings: string[] = [];
  const howTo =
    '如已发布新的办法或上级新规定，请在 config/rules/ 下新增一个 JSON 文件登记后续版本（新的 id、effectiveFrom 为施行日、validUntil 为有效期截止日，' +
    '格式见 config/rules/README.md；可用 `tousu config rules --show ' +
    version.id +
    '` 导出现行版本作为模板），' +
    '再运行 `tousu config validate` 检查，无需修改代码；已受理的投诉件仍按受理时施行的版本办理。';
  if (lapsed && next) {
    warnings.push(
      `规则版本 ${version.id}（${version.title}）的有效期已于 ${version.validUntil} 届满；已登记的后续版本 ${next.id} 自 ${next.effectiveFrom} 起施行，` + `在此之前系统继续适用 ${version.id}。`,
    );
  } else if (lapsed) {
    warnings.push(`规则版本 ${version.id}（${version.title}）的有效期已于 ${version.validUntil} 届满，且尚未登记后续版本；系统继续适用该版本办理新收到的投诉。` + howTo);
  } else if (version.validUntil !== undefined && !next) {
    const left = daysBetween(shanghaiDate, version.validUntil);
    if (left <= LAPSE_NOTICE_DAYS) {
      warnings.push(`规则版本 ${version.id} 的有效期将于 ${version.validUntil} 届满（还有 ${left} 天），尚未登记后续版本。` + howTo);
    }
  }
  return { date: shanghaiDate, inForce: version, lapsed, next, warnings };
}
