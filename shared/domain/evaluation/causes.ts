/**
 * Cause categories (art. 17: "定期对投诉内容进行分析，作为改进工作的重要参考"): why the complainant was let down, tagged
 * when the case is classified (art. 14). The tag set is configuration (`analysis.causeCategories` of the
 * jurisdiction, this default when absent); the staff member classifying a case picks one, or the system proposes one
 * from each category's keywords over the complaint as it may be shown (art. 13), recorded as a proposal. The
 * proposer is tested on labelled cases (test/fixtures/analysis/labelled-causes.json). Pure.
 */
import * as z from 'zod';

export const CauseCategory = z.object({
  /** Stable code, e.g. `shuttle`: facts and CSV columns keep it when the label is reworded. */
  code: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'code: lower-case letters, digits and _ (at most 32)'),
  label: z.string().min(1).max(40),
  /** Words of the complaint that point to the category (matched as written, after NFKC). */
  keywords: z.array(z.string().min(1).max(40)).default([]),
  /** One line for staff: what belongs here. */
  description: z.string().max(200).optional(),
});
export type CauseCategory = z.infer<typeof CauseCategory>;

/** The code every set must contain: what no keyword matched. */
export const OTHER_CAUSE = 'other';

export const CauseCategories = z
  .array(CauseCategory)
  .min(2)
  .max(40)
  .refine((list) => new Set(list.map((c) => c.code)).size === list.length, { message: '原因分类代码不能重复 (cause category codes must be unique)' })
  .refine((list) => list.some((c) => c.code === OTHER_CAUSE), { message: `原因分类须包含“${OTHER_CAUSE}”（其他） (the set must contain "${OTHER_CAUSE}")` });

export const DEFAULT_CAUSE_CATEGORIES: CauseCategory[] = [
  {
    code: 'shuttle',
    label: '材料反复、多次跑动',
    description: '要求反复补交材料、来回跑、一次办不成',
    keywords: ['跑了', '趟', '来回', '反复', '多次补', '又让补', '重复提交', '重复提供', '往返', '白跑', '再跑', '补交', '补材料', '跑腿'],
  },
  {
    code: 'delay',
    label: '办理超时、拖延',
    description: '超过承诺时限、久拖不办、没有回音',
    keywords: ['拖延', '超时', '超期', '迟迟', '一直没', '久拖', '逾期', '拖了', '等了', '还没办', '没有回音', '没有下文', '遥遥无期', '压着不办'],
  },
  {
    code: 'buck_passing',
    label: '推诿扯皮',
    description: '部门之间或窗口之间相互推、不归我管',
    keywords: ['推诿', '踢皮球', '互相推', '推来推去', '不归我们管', '不归他们管', '让去找', '扯皮', '推给'],
  },
  {
    code: 'attitude',
    label: '服务态度',
    description: '冷漠、呵斥、不耐烦、不理睬',
    keywords: ['态度', '冷漠', '不耐烦', '呵斥', '训斥', '吼', '爱理不理', '不理睬', '玩手机', '脸色', '辱骂', '骂'],
  },
  {
    code: 'information',
    label: '告知不清、政策解释不一',
    description: '没有一次性告知、说法不一致、解释不清',
    keywords: ['一次性告知', '没有告知', '没告知', '说法不一', '说法不同', '解释不清', '讲不清', '口径不一', '不清楚要', '没说清'],
  },
  {
    code: 'system',
    label: '系统与设备故障',
    description: '网上办理平台、自助设备、叫号或系统故障',
    keywords: ['系统', '网上办', '平台', '卡顿', '故障', '无法提交', '提交不了', '掉线', '闪退', '自助机', '叫号', '网站', '小程序', 'APP'],
  },
  {
    code: 'fees',
    label: '收费与中介',
    description: '乱收费、指定中介、额外费用',
    keywords: ['收费', '乱收', '中介', '费用', '交钱', '多收', '指定机构', '代办费'],
  },
  {
    code: 'integrity',
    label: '作风与廉洁',
    description: '吃拿卡要、故意刁难、索要好处',
    keywords: ['刁难', '好处费', '吃拿卡要', '索要', '红包', '打招呼', '关系户', '插队'],
  },
  { code: OTHER_CAUSE, label: '其他', description: '以上都不是', keywords: [] },
];

const normalise = (s: string): string => s.normalize('NFKC').toUpperCase();

export interface CauseProposal {
  code: string;
  /** The keywords that matched (empty for `other`). */
  matched: string[];
}

/**
 * The category whose keywords occur most often in the text (each keyword counted once, a longer keyword weighing
 * more than a short one), ties to the earlier category of the set; `other` when nothing matches.
 */
export function proposeCause(text: string, categories: readonly CauseCategory[] = DEFAULT_CAUSE_CATEGORIES): CauseProposal {
  const t = normalise(text);
  let best: CauseProposal = { code: OTHER_CAUSE, matched: [] };
  let bestScore = 0;
  for (const c of categories) {
    if (c.code === OTHER_CAUSE) continue;
    const matched = c.keywords.filter((k) => t.includes(normalise(k)));
    const score = matched.reduce((n, k) => n + Math.min(4, [...k].length), 0);
    if (score > bestScore) {
      best = { code: c.code, matched };
      bestScore = score;
    }
  }
  return best;
}

export function causeLabel(code: string | undefined, categories: readonly CauseCategory[] = DEFAULT_CAUSE_CATEGORIES): string {
  if (!code) return '未分类';
  return categories.find((c) => c.code === code)?.label ?? code;
}
