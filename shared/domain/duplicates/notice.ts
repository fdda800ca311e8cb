/**
 * Notice to a later complainant whose complaint joined an existing case (art. 11). Art. 12: it states what was
 * done and how to follow the case, and promises nothing about the outcome. The text carries no personal data.
 */
export interface MergedNoticeInput {
  /** The complainant's own tracking number (受理编号). */
  trackingNo: string;
  /** Tracking number of the case the complaint joined. */
  intoTrackingNo: string;
  /** Name of the jurisdiction's management agency or platform that signs the notice, e.g. 船山区政务服务管理局. */
  jurisdictionName: string;
}

export function mergedNotice({ trackingNo, intoTrackingNo, jurisdictionName }: MergedNoticeInput): { subject: string; text: string } {
  const subject = `投诉合并办理告知（受理编号：${trackingNo}）`;
  const text = [
    '您好：',
    '',
    `您提交的政务服务投诉（受理编号：${trackingNo}）已收到。经核对，该投诉与此前通过其他渠道反映的同一投诉事项相同。根据《遂宁市政务服务投诉处理办法（试行）》第十一条“同一投诉事项通过不同渠道分别投诉的，可以合并受理”的规定，您的投诉已并入受理编号为 ${intoTrackingNo} 的投诉件合并办理。`,
    '',
    '您此次提交的投诉内容、联系方式和相关材料均已完整保留，作为该投诉件的组成部分，不会因合并而删除。',
    '',
    `您仍可使用原受理编号 ${trackingNo} 和查询码查询办理进展；办理进展以受理编号 ${intoTrackingNo} 的投诉件为准。如有新的情况或证明材料，可继续提交，并注明上述受理编号。`,
    '',
    '如您认为本次投诉与该投诉件并非同一事项，可联系我们说明情况，工作人员将予以核实。',
    '',
    jurisdictionName,
  ].join('\n');
  return { subject, text };
}
