/**
 * Email intake: raw MIME → canonical intake (or a quarantine entry). Ports are passed in; the intake core is
 * reached only through the injected `submit`, wired by the handler or the embedded runtime.
 */
import { createHash } from 'node:crypto';
import type { CanonicalIntake, Complainant, EvidenceRef, ReceivedBy, UnverifiedMention } from '../domain/intake';
import { ValidationError } from '../domain/errors';
import { isTrustedForwarder, type JurisdictionConfig } from '../domain/jurisdiction';
import { extractComplaint, maskIdCards, usableSenderName, type Extraction } from '../domain/extraction';
import { validateIntake } from '../intake/validate';
import type { ValidatedIntake } from '../intake/validate';
import type { BlobStore, Clock } from '../ports';
import { detectNotComplaint } from '../mail/classify';
import { MailParseError } from '../mail/errors';
import { findOriginal, type OriginalMessage } from '../mail/original';
import { DEFAULT_MAIL_LIMITS, parseMail, type MailAddress, type MailAttachment, type MailLimits, type ParsedMail } from '../mail/parse';
import type { QuarantineReason, QuarantineStore } from './quarantine';

/** Where the mail came from: part of the idempotency key. */
export type MailSource = 'ses' | 'smtp' | 'cli' | `imap:${string}`;

/** The intake core as the mail channel hands over: its intake is validated already (shared/intake/core.ts `createCase`). */
export type SubmitIntake = (intake: ValidatedIntake) => Promise<{ caseId: string }>;

export interface AttachmentPolicy {
  maxBytes: number;
  maxCount: number;
  /** File name extensions refused (lower case, without the dot). */
  refusedExtensions: readonly string[];
  refusedContentTypes: readonly string[];
}

export const DEFAULT_ATTACHMENT_POLICY: AttachmentPolicy = {
  maxBytes: 25 * 1024 * 1024,
  maxCount: 50,
  refusedExtensions: ['exe', 'com', 'bat', 'cmd', 'scr', 'pif', 'msi', 'vbs', 'vbe', 'js', 'jse', 'wsf', 'wsh', 'ps1', 'jar', 'hta', 'cpl', 'lnk', 'dll', 'reg', 'apk'],
  refusedContentTypes: [
    'application/x-msdownload',
    'application/x-msdos-program',
    'application/x-dosexec',
    'application/vnd.microsoft.portable-executable',
    'application/java-archive',
    'application/vnd.android.package-archive',
  ],
};

export interface EmailIntakeDeps {
  clock: Clock;
  jurisdiction: JurisdictionConfig;
  /** Required unless `dryRun`. */
  blobs?: BlobStore;
  /** Required unless `dryRun`. */
  quarantine?: QuarantineStore;
  /** Creates the case (the intake core). Without it the intake is built and evidence stored, but no case made. */
  submit?: SubmitIntake;
  /** Parse nothing into storage: evidence refs are `dryrun:<sha256>`, no quarantine entry. */
  dryRun?: boolean;
  limits?: Partial<MailLimits>;
  attachments?: Partial<AttachmentPolicy>;
  /** Offset for forward-header times printed without a zone (mainland clients print Beijing time). */
  defaultOffset?: string;
}

export interface RefusedAttachment {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  reason: string;
}

export type EmailIntakeResult =
  { ignored: true; reason: QuarantineReason; detail: string; sourceKey: string; quarantineId?: string } | { ignored: false; sourceKey: string; intake: CanonicalIntake; caseId?: string };

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** `email:<source>:<Message-ID without brackets>`; without a usable Message-ID, the sha256 of the raw bytes. */
export function emailSourceKey(source: MailSource, messageId: string | undefined, rawSha256: string): string {
  const id = messageId?.trim().replace(/^<|>$/g, '').trim();
  const key = id ? `email:${source}:${id}` : `email:${source}:${rawSha256}`;
  return key.length <= 512 ? key : `email:${source}:${sha256(id ?? rawSha256)}`;
}

function extensionOf(filename: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(filename);
  return m ? m[1]!.toLowerCase() : '';
}

function attachmentName(a: MailAttachment, n: number): string {
  const given = a.filename?.trim();
  if (given) return maskIdCards(given).text.slice(0, 255);
  return a.isMessage ? `原始邮件${n}.eml` : `附件${n}`;
}

function receivedByFor(forwarder: string | undefined, config: JurisdictionConfig): ReceivedBy {
  if (!forwarder) return 'agency';
  const dept = config.departments.find((d) => d.forwardingAddresses.some((a) => a.toLowerCase() === forwarder));
  return dept ? { department: dept.code } : 'agency';
}

/**
 * Who the complainant is, and whom the mail only names. A mail speaks for another person (a forward whose author
 * is someone else, a contact address written in the text) only when a trusted forwarder sent it (the
 * jurisdiction's `mail.trustedForwarders` and the departments' forwarding mailboxes). From anyone else the sender
 * is the complainant, the receipt goes to the sender's own address, and the person named inside is an unverified
 * mention that is never mailed.
 */
interface SenderDecision {
  trusted: boolean;
  /** The sender of the outer message, when a trusted forwarder handed the complaint to us. */
  forwardedBy?: string;
  extraction: Extraction;
  complainant: Complainant;
  mentions: UnverifiedMention[];
}

const compact = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;

function decideSender(mail: ParsedMail, original: OriginalMessage, config: JurisdictionConfig): SenderDecision {
  const outer: MailAddress | undefined = mail.from;
  const outerAddress = outer?.address;
  const trusted = isTrustedForwarder(outerAddress, config);
  const base = { body: original.body, ...(original.subject !== undefined ? { subject: original.subject } : {}), departments: config.departments };
  if (trusted) {
    // The forwarder vouches for what it forwards: the original author (or, for a trusted mailbox's own mail, the
    // person the text names) is the complainant.
    const sender = original.forwarded ? original.sender : undefined;
    const extraction = extractComplaint({ ...base, ...(sender ? { sender } : {}) });
    return { trusted, ...(outerAddress ? { forwardedBy: outerAddress } : {}), extraction, complainant: extraction.complainant, mentions: [] };
  }
  const innerAddress = original.sender?.address;
  const forwardsOther = original.forwarded && !(innerAddress !== undefined && innerAddress === outerAddress);
  const extraction = extractComplaint({ ...base, ...(outer ? { sender: outer } : {}), textIdentity: forwardsOther ? 'other' : 'complainant' });
  const { stated } = extraction;
  const mentions: UnverifiedMention[] = [];
  let complainant = extraction.complainant;
  if (forwardsOther) {
    const named = compact({
      name: stated.name ?? usableSenderName(original.sender?.name),
      organization: stated.organization,
      phone: stated.phone,
      email: stated.email ?? innerAddress,
      address: stated.address,
    });
    if (Object.keys(named).length > 0) mentions.push({ ...named, source: 'forwarded_original' });
  } else if (stated.email && stated.email.toLowerCase() !== outerAddress) {
    // The receipt (query code) goes to the address that sent the mail, never to one the text names.
    const { email: _named, ...rest } = complainant;
    complainant = { ...rest, ...(outerAddress ? { email: outerAddress } : {}) };
    mentions.push({ email: stated.email, source: 'contact_in_text' });
  }
  return { trusted, extraction, complainant, mentions };
}

export async function ingestEmail(raw: Uint8Array, source: MailSource, deps: EmailIntakeDeps): Promise<EmailIntakeResult> {
  const limits: MailLimits = { ...DEFAULT_MAIL_LIMITS, ...deps.limits };
  const policy: AttachmentPolicy = { ...DEFAULT_ATTACHMENT_POLICY, ...deps.attachments };
  const defaultOffset = deps.defaultOffset ?? '+08:00';
  const dryRun = deps.dryRun === true;
  if (!dryRun && (!deps.blobs || !deps.quarantine)) throw new Error('ingestEmail: blobs and quarantine are required unless dryRun');
  const receivedAt = deps.clock.now().toISOString();
  const rawSha = sha256(raw);

  const storeRaw = async (prefix: string): Promise<string | undefined> => {
    if (dryRun) return undefined;
    const stored = await deps.blobs!.put(`${prefix}/${rawSha}.eml`, raw, 'message/rfc822');
    return stored.ref;
  };

  const quarantine = async (reason: QuarantineReason, detail: string, sourceKey: string, mail?: ParsedMail): Promise<EmailIntakeResult> => {
    const id = sha256(sourceKey).slice(0, 32);
    if (!dryRun) {
      const rawRef = await storeRaw('mail/quarantine');
      await deps.quarantine!.put({
        id,
        sourceKey,
        source,
        jurisdiction: deps.jurisdiction.code,
        reason,
        detail,
        receivedAt,
        size: raw.byteLength,
        rawSha256: rawSha,
        ...(rawRef ? { rawRef } : {}),
        ...(mail?.messageId ? { messageId: mail.messageId.slice(0, 500) } : {}),
        ...(mail?.subject ? { subject: maskIdCards(mail.subject).text.slice(0, 500) } : {}),
        ...(mail?.from?.address ? { fromAddress: mail.from.address } : {}),
      });
    }
    return { ignored: true, reason, detail, sourceKey, ...(dryRun ? {} : { quarantineId: id }) };
  };

  let mail: ParsedMail;
  try {
    mail = await parseMail(raw, limits);
  } catch (err) {
    if (err instanceof MailParseError) return quarantine(err.problem, err.message, emailSourceKey(source, undefined, rawSha));
    throw err;
  }
  const sourceKey = emailSourceKey(source, mail.messageId, rawSha);

  const notComplaint = detectNotComplaint(mail);
  if (notComplaint) return quarantine(notComplaint.reason, notComplaint.detail, sourceKey, mail);

  let original: OriginalMessage;
  try {
    original = await findOriginal(mail, limits, defaultOffset);
  } catch (err) {
    if (err instanceof MailParseError) return quarantine(err.problem, err.message, sourceKey, mail);
    throw err;
  }
  const evidenceCandidates = original.attachments;
  if (original.body.trim() === '' && (original.subject ?? '').trim() === '' && evidenceCandidates.length === 0) {
    return quarantine('empty', '邮件没有正文、主题和附件，无法形成投诉件。', sourceKey, mail);
  }

  const { trusted, forwardedBy, extraction, complainant, mentions } = decideSender(mail, original, deps.jurisdiction);

  // Evidence: every attachment within the policy; the rest is recorded as refused.
  const evidence: EvidenceRef[] = [];
  const refused: RefusedAttachment[] = [];
  let n = 0;
  for (const a of evidenceCandidates) {
    n++;
    const filename = attachmentName(a, n);
    const digest = sha256(a.content);
    const base = { filename, contentType: a.contentType, size: a.size, sha256: digest };
    const ext = extensionOf(filename);
    if (a.size > policy.maxBytes) {
      refused.push({ ...base, reason: `附件超过大小上限（${Math.round(policy.maxBytes / 1024 / 1024)} MB）` });
    } else if (policy.refusedExtensions.includes(ext) || policy.refusedContentTypes.includes(a.contentType)) {
      refused.push({ ...base, reason: `不接受此类文件（${ext ? `.${ext}` : a.contentType}）` });
    } else if (evidence.length >= policy.maxCount) {
      refused.push({ ...base, reason: `附件数量超过上限（${policy.maxCount} 个）` });
    } else if (dryRun) {
      evidence.push({ ...base, ref: `dryrun:${digest}` });
    } else {
      const stored = await deps.blobs!.put(`mail/evidence/${rawSha}/${n}`, a.content, a.contentType);
      evidence.push({ ...base, ref: stored.ref });
    }
  }
  const rawRef = await storeRaw('mail/raw');

  const note = original.note ? maskIdCards(original.note).text.slice(0, 5000) : undefined;
  const subject = original.subject !== undefined ? maskIdCards(original.subject).text.slice(0, 500) : undefined;
  const candidate = {
    channel: 'email' as const,
    sourceKey,
    receivedAt,
    ...(original.sentAt ? { originalSentAt: original.sentAt.iso } : {}),
    ...(forwardedBy ? { forwardedBy } : {}),
    receivedBy: receivedByFor(forwardedBy, deps.jurisdiction),
    complainant,
    ...(mentions.length > 0 ? { unverifiedMentions: mentions } : {}),
    respondent: extraction.respondent,
    matter: extraction.matter,
    ...(extraction.facts ? { facts: extraction.facts } : {}),
    evidence,
    jurisdiction: deps.jurisdiction.code,
    channelDetails: {
      source,
      ...(mail.messageId ? { messageId: mail.messageId.slice(0, 500) } : {}),
      ...(subject !== undefined ? { subject } : {}),
      forwarded: original.forwarded,
      ...(original.forwarded || trusted ? { forwarderTrusted: trusted } : {}),
      forwardHops: original.hops.map((h) => ({ kind: h.kind, ...(h.from?.address ? { fromAddress: h.from.address } : {}), ...(h.sentAt ? { sentAt: h.sentAt } : {}) })),
      ...(note ? { forwarderNote: note } : {}),
      ...(original.sentAt?.zoneAssumed ? { originalSentAtZoneAssumed: true } : {}),
      htmlOnly: mail.htmlOnly,
      rawSha256: rawSha,
      ...(rawRef ? { rawMailRef: rawRef } : {}),
      ...(refused.length ? { refusedAttachments: refused } : {}),
      idNumbersMasked: extraction.idNumbersMasked,
    },
  };
  // Bad input is final: it goes to the quarantine with the reasons, never to a dead letter that replays forever.
  const invalid = (err: ValidationError) => quarantine('invalid', `邮件内容无法形成有效的投诉件：${err.problems.map((p) => p.message).join('；')}`.slice(0, 2000), sourceKey, mail);
  let intake: ValidatedIntake;
  try {
    intake = validateIntake(candidate);
  } catch (err) {
    if (err instanceof ValidationError) return invalid(err);
    throw err;
  }
  if (dryRun || !deps.submit) return { ignored: false, sourceKey, intake };
  try {
    const { caseId } = await deps.submit(intake);
    return { ignored: false, sourceKey, intake, caseId };
  } catch (err) {
    if (err instanceof ValidationError) return invalid(err);
    throw err;
  }
}
