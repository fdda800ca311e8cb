/**
 * Quarantine: mail that did not become a case (spam, virus, auto-reply, bounce, unparseable, empty) is kept
 * where staff can see it, never silently dropped. The raw mail stays in the BlobStore under `rawRef`.
 */
import type { QuarantineReason } from '../ports/quarantine';

export type { QuarantineReason };

export const QUARANTINE_REASON_LABELS: Record<QuarantineReason, string> = {
  spam: '垃圾邮件',
  virus: '疑似病毒',
  auto_reply: '自动回复',
  bounce: '退信/投递报告',
  too_large: '邮件过大',
  malformed: '格式无法解析',
  too_deep: '嵌套过深',
  timeout: '解析超时',
  empty: '无内容',
  invalid: '无法形成投诉件',
};

export type { QuarantineEntry, QuarantinePage, QuarantineStore } from '../ports/quarantine';
