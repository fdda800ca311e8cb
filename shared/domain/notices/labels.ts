import type { Finding, Satisfaction } from '../case';

export const FINDING_LABELS_INTERNAL: Record<Finding, string> = {
  substantiated: '属实',
  partial: '部分属实',
  unfounded: '不属实',
};

export const SATISFACTION_LABELS: Record<Satisfaction, string> = {
  satisfied: '满意',
  basically_satisfied: '基本满意',
  dissatisfied: '不满意',
};

export const CLASSIFICATION_LABELS = {
  general: '一般投诉类（当场处理）',
  transfer: '登记转办类',
  intervention: '介入处理类',
} as const;

export const REPLY_METHOD_LABELS = {
  phone: '电话',
  email: '电子邮件',
  in_person: '当面告知',
  letter: '信函',
  none: '不予答复',
} as const;
