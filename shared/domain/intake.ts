import * as z from 'zod';

/** Channels of art. 7. */
export const CHANNELS = ['email', 'web', 'letter', 'suggestion_box', 'phone', 'hotline_12345', 'onsite'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

export const CHANNEL_LABELS: Record<Channel, string> = {
  email: '电子邮件',
  web: '网上投诉表单',
  letter: '来信',
  suggestion_box: '意见箱/意见簿',
  phone: '电话',
  hotline_12345: '12345热线工单',
  onsite: '现场（办不成事反映窗口）',
};

/** GB/T 2260 style code of a jurisdiction or an internal department code. */
export const Code = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, '编码只能包含字母、数字、点、下划线和连字符');

const isoInstant = z.iso.datetime({ offset: true });

export const EvidenceRef = z.object({
  filename: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  /** BlobStore reference (an S3 key or a path under the data directory's blob folder). */
  ref: z.string().min(1).max(1024),
  /**
   * What the file is (added by the channels engineer): `signed_form` marks the written, signed complaint form
   * a major on-site matter needs (art. 7(1)); `letter_scan` / `slip_scan` the scanned letter or box slip itself.
   */
  kind: z.enum(['evidence', 'signed_form', 'letter_scan', 'slip_scan']).optional(),
});
export type EvidenceRef = z.infer<typeof EvidenceRef>;

export const Complainant = z.object({
  name: z.string().max(100).optional(),
  organization: z.string().max(200).optional(),
  phone: z.string().max(40).optional(),
  email: z.string().max(254).optional(),
  address: z.string().max(300).optional(),
  /** Anonymous complaints are allowed (art. 4 "in principle" real name) but need no reply (art. 16). */
  anonymous: z.boolean(),
  wantsReply: z.boolean(),
  /** Art. 13: identity hidden from the respondent and from anyone without a need. */
  confidential: z.boolean(),
});
export type Complainant = z.infer<typeof Complainant>;

/**
 * A person a mail names whom nothing verifies: the author of a message that an untrusted sender forwarded, or a
 * contact written in the text that differs from the sender's own address. Recorded for staff (shown as 未经核实),
 * never the complainant, never mailed: otherwise anyone could have a receipt and query code sent to anyone.
 */
export const UnverifiedMention = z.object({
  name: z.string().max(100).optional(),
  organization: z.string().max(200).optional(),
  phone: z.string().max(40).optional(),
  email: z.string().max(254).optional(),
  address: z.string().max(300).optional(),
  /** `forwarded_original`: the author inside a forward from an untrusted sender; `contact_in_text`: an address the text gives. */
  source: z.enum(['forwarded_original', 'contact_in_text']),
});
export type UnverifiedMention = z.infer<typeof UnverifiedMention>;

export const UNVERIFIED_MENTION_LABELS: Record<UnverifiedMention['source'], string> = {
  forwarded_original: '转发邮件中署名的原发件人（未经核实）',
  contact_in_text: '邮件正文中填写的联系方式（未经核实）',
};

export const Respondent = z.object({
  unit: z.string().max(200).optional(),
  unitCode: Code.optional(),
  person: z.string().max(100).optional(),
});
export type Respondent = z.infer<typeof Respondent>;

export const ReceivedBy = z.union([z.literal('agency'), z.object({ department: Code })]);
export type ReceivedBy = z.infer<typeof ReceivedBy>;

/** The canonical intake every channel adapter produces (INTERFACES.md). */
export const CanonicalIntake = z.object({
  channel: Channel,
  sourceKey: z.string().min(1).max(512),
  receivedAt: isoInstant,
  originalSentAt: isoInstant.optional(),
  forwardedBy: z.string().max(320).optional(),
  receivedBy: ReceivedBy,
  complainant: Complainant,
  /** People the submission names besides the complainant, unverified (email: see UnverifiedMention). */
  unverifiedMentions: z.array(UnverifiedMention).max(5).optional(),
  respondent: Respondent,
  matter: z.string().min(1).max(20000),
  facts: z.string().max(50000).optional(),
  evidence: z.array(EvidenceRef).max(50),
  major: z.boolean().optional(),
  /** Extensions (allowed by INTERFACES.md: add, never rename). */
  jurisdiction: Code.optional(),
  /** 12345 work-order number, kept for de-duplication and reporting back. */
  workOrderNo: z.string().max(64).optional(),
  /** Channel-specific details (box, place, opened by; letter envelope date; OCR text; …). */
  channelDetails: z.record(z.string(), z.unknown()).optional(),
  /** Set by screening or intake staff: serious petition or stability risk (art. 9(2)). */
  stabilityRisk: z.boolean().optional(),
});
export type CanonicalIntake = z.infer<typeof CanonicalIntake>;
