import * as z from 'zod';
import { Code } from './intake';
import { DEFAULT_DUPLICATE_RULES } from './duplicates/decide';
import { DEFAULT_PROPOSAL_THRESHOLD } from './extraction/letter-fields';
import { CauseCategories, DEFAULT_CAUSE_CATEGORIES } from './evaluation/causes';
import type { CauseCategory } from './evaluation/causes';

const email = z.email('邮箱地址格式不正确');
const isoDate = z.iso.date();

export const JURISDICTION_LEVELS = ['city', 'county', 'district', 'park'] as const;

export const Contact = z.object({
  name: z.string().min(1),
  title: z.string().optional(),
  email,
  phone: z.string().optional(),
});
export type Contact = z.infer<typeof Contact>;

export const Department = z.object({
  /** Internal code, unique within the jurisdiction, e.g. `SCJGJ` (market regulation). */
  code: Code,
  name: z.string().min(1),
  /** Other names people use for the unit in free text (abbreviations, old names, window names). */
  aliases: z.array(z.string().min(1)).default([]),
  /** 首席事务代表 (art. 3): receives assignment slips and acts for the department. */
  chiefRepresentative: Contact,
  /** Mailbox from which the department forwards complaints it received (maps forwarded mail to receivedBy). */
  forwardingAddresses: z.array(email).default([]),
  /** false for units of a higher or lower level that complaints are referred to, not dispatched to (art. 6, 8(1)). */
  belongsToThisLevel: z.boolean().default(true),
  /** Why the unit is modelled this way, e.g. vertically managed (垂直管理) or a branch of a city-level unit. */
  note: z.string().optional(),
});
export type Department = z.infer<typeof Department>;

/** A mail domain as written after the `@` (no wildcard: every domain is listed on its own). */
const mailDomain = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.string().regex(/^(?=.{3,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, '域名格式不正确（如 chuanshan.gov.cn；不带 @，不用通配符，每个子域名单独列出）'));

/**
 * Who may forward a complaint on someone else's behalf (SPEC.md, channels: the complainant of a forwarded mail is
 * the original sender). Only these senders are believed when a mail names another person as its author; from
 * anyone else the sender is the complainant and the person named inside is recorded as unverified, never mailed.
 * Every department's `forwardingAddresses` are trusted as well, without being repeated here.
 */
export const TrustedForwarders = z.object({
  /** Whole addresses, e.g. the 12345 platform's mailbox or the agency's published complaint mailbox. */
  addresses: z.array(email).default([]),
  /** Every address of these domains (the agencies' own mail domains; never a public mail provider). */
  domains: z.array(mailDomain).default([]),
});
export type TrustedForwarders = z.infer<typeof TrustedForwarders>;

export const CalendarOverride = z.object({
  date: isoDate,
  workday: z.boolean(),
  /** The notice that makes this date a holiday or an adjusted working day. */
  source: z.string().min(1),
});

/** One deployment's configuration: a city, county, district or park (art. 6: territorial, tiered). */
export const JurisdictionConfig = z.object({
  /** GB/T 2260 administrative division code; parks use the parent's code plus a suffix. */
  code: z.string().regex(/^\d{6}(-[A-Za-z0-9]+)?$/, '行政区划代码应为6位数字（园区可加后缀，如 510900-GX）'),
  name: z.string().min(1),
  /**
   * How people write the jurisdiction's name in a unit's name ("蓬溪县", "蓬溪"; old names such as "射洪县"): a unit
   * written with one of these is that jurisdiction's unit, never a local department matched by its generic part.
   */
  nameForms: z.array(z.string().min(2)).default([]),
  level: z.enum(JURISDICTION_LEVELS),
  /** Code of the jurisdiction above (city for a county), for referrals (art. 9). */
  parent: z.string().optional(),
  agency: z.object({
    /** 政务服务管理机构 of this level. */
    name: z.string().min(1),
    contacts: z.array(Contact).min(1),
    /** Leader contact for stability-risk escalation (art. 9(2)). */
    leader: Contact,
    address: z.string().optional(),
    phone: z.string().optional(),
  }),
  /** Address agencies forward complaint mail to; the SES receipt rule or the SMTP listener accepts it. */
  intakeAddress: email,
  mail: z.object({
    /** From address of notices (must be a verified identity on SES). */
    from: email,
    replyTo: email.optional(),
    /** Domain to verify on SES. */
    domain: z.string().min(3),
    trustedForwarders: TrustedForwarders.default({ addresses: [], domains: [] }),
  }),
  departments: z.array(Department).min(1),
  calendarOverrides: z.array(CalendarOverride).default([]),
  /** Pins a rules version; when absent the version in force at receipt applies. */
  rulesVersion: z.string().optional(),
  /** Where out-of-scope complainants are told to go (art. 9): 12345 and the parent level. */
  referral: z.object({ hotline: z.string().default('12345'), note: z.string().optional() }).default({ hotline: '12345' }),
  /**
   * Duplicate matching thresholds (art. 11, issue 22): the bands "merge automatically" / "可能重复" / distinct.
   * Unset fields keep today's defaults (shared/domain/duplicates/decide.ts, DEFAULT_DUPLICATE_RULES); the bench
   * `duplicates` prints the precision/recall curve to choose them from.
   */
  duplicateMatching: z
    .object({
      autoScore: z.number().min(0).max(1).optional(),
      autoMinIdentity: z.number().min(0).max(1).optional(),
      autoMinText: z.number().min(0).max(1).optional(),
      possibleScore: z.number().min(0).max(1).optional(),
      autoMaxDaysApart: z.number().int().min(0).max(3650).optional(),
      maxCandidates: z.number().int().min(1).max(50).optional(),
      maxPossible: z.number().int().min(1).max(20).optional(),
      repeatWindowDays: z.number().int().min(1).max(3650).optional(),
    })
    .strict()
    // The bands as they will run: an unset threshold keeps its default, so `possibleScore: 0.7` alone (above the
    // default automatic 0.65) is refused too.
    .refine((d) => (d.possibleScore ?? DEFAULT_DUPLICATE_RULES.possibleScore) < (d.autoScore ?? DEFAULT_DUPLICATE_RULES.autoScore), {
      message: `possibleScore must be below autoScore (可能重复的阈值 possibleScore 须低于自动合并阈值 autoScore；未填写的按默认值 ${DEFAULT_DUPLICATE_RULES.possibleScore} / ${DEFAULT_DUPLICATE_RULES.autoScore} 计)`,
      path: ['possibleScore'],
    })
    .refine((d) => (d.maxPossible ?? DEFAULT_DUPLICATE_RULES.maxPossible) <= (d.maxCandidates ?? DEFAULT_DUPLICATE_RULES.maxCandidates), {
      message: 'maxPossible must not exceed maxCandidates (列出的可能重复件数 maxPossible 不能多于比对的候选件数 maxCandidates)',
      path: ['maxPossible'],
    })
    .optional(),
  /**
   * Scanned letters read by OCR: a proposed field whose confidence is under `confidenceThreshold` is left empty
   * for the clerk (shared/domain/extraction/letter-fields.ts). Higher asks the clerk more often; never below 0.5,
   * where a misreading would too often look like a proposal.
   */
  letterReading: z
    .object({
      confidenceThreshold: z
        .number({ error: 'confidenceThreshold must be a number (识别置信度阈值应为数字)' })
        .min(0.5, 'confidenceThreshold must be at least 0.5 (识别置信度阈值不能低于 0.5，否则误识别的字段会被当作建议值)')
        .max(1, 'confidenceThreshold must be at most 1 (识别置信度阈值不能超过 1)')
        .default(DEFAULT_PROPOSAL_THRESHOLD),
    })
    .strict()
    .optional(),
  /**
   * The periodic analysis (art. 17): the cause categories tagged at classification. Absent: the default set
   * (shared/domain/evaluation/causes.ts DEFAULT_CAUSE_CATEGORIES).
   */
  analysis: z.object({ causeCategories: CauseCategories.optional() }).strict().optional(),
});
export type JurisdictionConfig = z.infer<typeof JurisdictionConfig>;

/** The cause categories of a jurisdiction (art. 17): its configured set, else the default. */
export function causeCategoriesOf(j: Pick<JurisdictionConfig, 'analysis'>): CauseCategory[] {
  return j.analysis?.causeCategories ?? DEFAULT_CAUSE_CATEGORIES;
}
export type JurisdictionConfigInput = z.input<typeof JurisdictionConfig>;

/**
 * Public mail providers: trusting one of these domains would let every citizen with a mailbox there "forward" a
 * complaint in another person's name.
 */
export const PUBLIC_MAIL_DOMAINS: readonly string[] = [
  'qq.com',
  'foxmail.com',
  '163.com',
  '126.com',
  'yeah.net',
  '188.com',
  'vip.163.com',
  'vip.qq.com',
  'sina.com',
  'sina.cn',
  'vip.sina.com',
  'sohu.com',
  '139.com',
  '189.cn',
  'wo.cn',
  'aliyun.com',
  'tom.com',
  '21cn.com',
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'icloud.com',
  'me.com',
  'proton.me',
  'protonmail.com',
];

/**
 * Whether a mail from `address` may speak for someone else (it forwards a complaint it received): listed in
 * `mail.trustedForwarders` (address or exact domain) or a department's forwarding mailbox.
 */
export function isTrustedForwarder(address: string | undefined, config: Pick<JurisdictionConfig, 'mail' | 'departments'>): boolean {
  const a = address?.trim().toLowerCase();
  if (!a || !a.includes('@')) return false;
  const domain = a.slice(a.lastIndexOf('@') + 1);
  const trusted = config.mail.trustedForwarders;
  return trusted.addresses.some((t) => t.toLowerCase() === a) || trusted.domains.includes(domain) || config.departments.some((d) => d.forwardingAddresses.some((f) => f.toLowerCase() === a));
}

/** Semantic checks zod cannot express: unique department codes, aliases not shared by two units, no public mail domain trusted. */
export function checkJurisdiction(config: JurisdictionConfig): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const seenCodes = new Map<string, number>();
  const seenAliases = new Map<string, string>();
  config.departments.forEach((d, i) => {
    const prev = seenCodes.get(d.code);
    if (prev !== undefined) problems.push({ path: `departments.${i}.code`, message: `部门编码 ${d.code} 与 departments.${prev} 重复` });
    seenCodes.set(d.code, i);
    for (const alias of [d.name, ...d.aliases]) {
      const owner = seenAliases.get(alias);
      if (owner !== undefined && owner !== d.code) {
        problems.push({ path: `departments.${i}.aliases`, message: `名称或别名“${alias}”同时属于 ${owner} 和 ${d.code}，无法据此识别被投诉单位` });
      }
      seenAliases.set(alias, d.code);
    }
  });
  config.mail.trustedForwarders.domains.forEach((d, i) => {
    if (PUBLIC_MAIL_DOMAINS.includes(d)) {
      problems.push({
        path: `mail.trustedForwarders.domains.${i}`,
        message: `${d} 是公共邮箱服务的域名，不能整体信任为转发单位（任何人都可注册该域名的邮箱冒名转发）；请改为在 addresses 中列出具体邮箱`,
      });
    }
  });
  return problems;
}
