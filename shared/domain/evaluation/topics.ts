/**
 * Matter topics for "the most frequent matters" (art. 17: analyse complaint content periodically). The matter
 * is free text, so it is sorted into a few topics by keywords. A heuristic for statistics only: it never
 * decides anything about a case. Keywords are data here; extend them as the agency's analysis asks.
 */

export const MATTER_TOPICS = ['integrity', 'attitude', 'fees', 'efficiency', 'documents', 'online', 'policy', 'other'] as const;
export type MatterTopic = (typeof MATTER_TOPICS)[number];

export const MATTER_TOPIC_LABELS: Record<MatterTopic, string> = {
  integrity: '廉洁作风（吃拿卡要等）',
  attitude: '服务态度',
  fees: '收费与罚款',
  efficiency: '办事效率（拖延推诿）',
  documents: '材料要求与多次跑',
  online: '网上办理与窗口设施',
  policy: '政策与办事流程',
  other: '其他',
};

/** In priority order: on a tie in hits, the earlier topic wins. */
const KEYWORDS: Record<Exclude<MatterTopic, 'other'>, string[]> = {
  integrity: ['吃拿卡要', '红包', '好处费', '索要', '索取', '回扣', '徇私', '托关系', '走后门', '受贿', '收受'],
  attitude: ['态度', '冷漠', '刁难', '不耐烦', '辱骂', '脸色', '恶劣', '粗暴', '呵斥', '不理睬', '玩手机', '爱理不理'],
  fees: ['收费', '乱收', '费用', '缴费', '罚款', '多收', '押金'],
  efficiency: ['拖延', '推诿', '久拖', '超时', '迟迟', '一直没有', '扯皮', '踢皮球', '不作为', '慢作为', '等了', '没人办', '不予办理'],
  documents: ['材料', '证明', '多次跑', '跑了', '来回跑', '反复', '重复提交', '一次性告知', '补正', '复印件'],
  online: ['系统', '网上', '网站', '平台', 'app', 'APP', '小程序', '排队', '叫号', '设备', '故障', '停车', '自助机', '窗口关闭'],
  policy: ['政策', '流程', '规定', '标准不一', '不一致', '解释不清', '不清楚', '不公开', '公示'],
};

/** The topic of a matter text: the topic with most keyword hits (ties: priority order), or `other`. */
export function matterTopic(matter: string): MatterTopic {
  let best: MatterTopic = 'other';
  let bestHits = 0;
  for (const [topic, words] of Object.entries(KEYWORDS) as [Exclude<MatterTopic, 'other'>, string[]][]) {
    let hits = 0;
    for (const w of words) if (matter.includes(w)) hits += 1;
    if (hits > bestHits) {
      best = topic;
      bestHits = hits;
    }
  }
  return best;
}

export function isMatterTopic(s: string): s is MatterTopic {
  return (MATTER_TOPICS as readonly string[]).includes(s);
}
