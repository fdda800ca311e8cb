/**
 * Pure field extraction from the text of a complaint (mail body, OCR text, a transcribed call): who complains,
 * about whom, about what. No I/O. Every string it returns has identity card numbers masked.
 */
import type { Complainant, Respondent } from '../intake';
import type { Department } from '../jurisdiction';
import { maskIdCards } from './idcard';
import { extractLabelledFields, type LabelledFields } from './labels';
import { firstPhone } from './phones';
import { withNameSplit } from './names';
import { recogniseUnit } from './respondent';
import { detectStatements, isNoName } from './statements';

export { maskIdCards, hasValidIdChecksum, maskIdNumber } from './idcard';
export { findMobiles, findLandlines, firstPhone } from './phones';
export { extractLabelledFields, type LabelledFields, type LabelledField } from './labels';
export { recogniseUnit, type RecognisedUnit } from './respondent';
export { splitNameAndOrganisation, withNameSplit, type NameParts } from './names';
export { detectStatements, type Statements } from './statements';

export interface ExtractionInput {
  /** The complainant's own text (for forwarded mail: the innermost original body). */
  body: string;
  subject?: string;
  /** What the transport says about the sender (the original sender of a forwarded mail). */
  sender?: { name?: string; address?: string };
  /**
   * Whose identity the text states: `complainant` (default) fills the complainant's name and contacts from the
   * labelled fields and phones in the text; `other` (a forward from a sender nobody vouches for) leaves the
   * complainant to `sender` alone and returns what the text states in `stated` only.
   */
  textIdentity?: 'complainant' | 'other';
  departments: readonly Pick<Department, 'code' | 'name' | 'aliases'>[];
}

/** Name and contacts as the text states them (labelled fields, else the first phone in the body). */
export interface StatedIdentity {
  name?: string;
  organization?: string;
  phone?: string;
  email?: string;
  address?: string;
}

export interface Extraction {
  complainant: Complainant;
  stated: StatedIdentity;
  respondent: Respondent;
  matter: string;
  facts?: string;
  labelled: LabelledFields;
  /** Number of identity card numbers masked in what is returned. */
  idNumbersMasked: number;
}

const MATTER_MAX = 20000;
const FACTS_MAX = 50000;

/** Subject without reply and forward prefixes (`Fwd:`, `转发：`, `回复:`, `FW:`, `答复:` …), repeated. */
export function cleanSubject(subject: string | undefined): string {
  let s = (subject ?? '').trim();
  for (;;) {
    const next = s.replace(/^(?:(?:re|fw|fwd|aw|tr)|转发|回复|答复|转)\s*(?:\[\d+\])?\s*[:：]\s*/i, '').trim();
    if (next === s) return s;
    s = next;
  }
}

/** A display name that is only an address or a placeholder is not a name. */
export function usableSenderName(name: string | undefined): string | undefined {
  const n = name?.trim().replace(/^["'“”]+|["'“”]+$/g, '');
  if (!n || n.includes('@') || isNoName(n)) return undefined;
  return n.slice(0, 100);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

export function extractComplaint(input: ExtractionInput): Extraction {
  let masked = 0;
  const mask = (s: string): string => {
    const r = maskIdCards(s);
    masked += r.masked;
    return r.text;
  };
  const body = mask(input.body.replace(/\r\n?/g, '\n')).trim();
  const subject = mask(cleanSubject(input.subject));
  const labelled = extractLabelledFields(body);
  if (labelled.idNumber) labelled.idNumber = mask(labelled.idNumber);

  const statements = detectStatements(`${subject}\n${body}`, labelled.name);
  const labelledName = labelled.name && !isNoName(labelled.name) ? clip(labelled.name, 100) : undefined;
  const phone = (labelled.phone && firstPhone(labelled.phone)) ?? labelled.phone?.slice(0, 40) ?? firstPhone(body);
  const labelledEmail = labelled.email?.match(/[^\s<>()"'，,；;]+@[^\s<>()"'，,；;]+/)?.[0]?.slice(0, 254);
  const stated: StatedIdentity = {
    ...(labelledName ? { name: labelledName } : {}),
    ...(labelled.organization ? { organization: clip(labelled.organization, 200) } : {}),
    ...(phone ? { phone } : {}),
    ...(labelledEmail ? { email: labelledEmail } : {}),
    ...(labelled.address ? { address: clip(labelled.address, 300) } : {}),
  };
  const own: StatedIdentity = input.textIdentity === 'other' ? {} : withNameSplit(stated);
  // "欧阳淼淼（𠮷祥建材有限公司）" as the signature or the sender's display name: the person and the organisation.
  const signed = withNameSplit({ name: own.name ?? usableSenderName(input.sender?.name), organization: own.organization });
  const name = statements.anonymous ? undefined : signed.name;
  const organization = statements.anonymous ? own.organization : signed.organization;
  const email = own.email ?? input.sender?.address;

  const complainant: Complainant = {
    ...(name ? { name } : {}),
    ...(organization ? { organization: clip(organization, 200) } : {}),
    ...(own.phone ? { phone: own.phone } : {}),
    ...(email ? { email: email.slice(0, 254) } : {}),
    ...(own.address ? { address: own.address } : {}),
    anonymous: statements.anonymous,
    // Art. 16: no reply to anonymous complaints or to those who do not want one.
    wantsReply: !statements.anonymous && !statements.noReplyWanted,
    confidential: statements.confidential,
  };

  const respondent: Respondent = {};
  const unitHit =
    (labelled.respondentUnit && recogniseUnit(labelled.respondentUnit, input.departments)) ||
    (labelled.respondentPerson && recogniseUnit(labelled.respondentPerson, input.departments)) ||
    recogniseUnit(`${subject}\n${labelled.matter ?? ''}\n${labelled.facts ?? ''}\n${body}`, input.departments);
  // The unit as the complainant wrote it (a labelled field), never a name the directory substituted: routing at
  // intake judges the words again with the jurisdiction they name (shared/domain/routing).
  if (labelled.respondentUnit) respondent.unit = clip(labelled.respondentUnit, 200);
  if (unitHit) respondent.unitCode = unitHit.code;
  if (labelled.respondentPerson && !recogniseUnit(labelled.respondentPerson, input.departments)) {
    respondent.person = clip(labelled.respondentPerson, 100);
  }

  // Art. 12: the complainant's own words, unaltered (bar masking). Without a labelled matter the whole text is the matter.
  const matter = clip(labelled.matter ?? (body !== '' ? body : subject !== '' ? subject : '（邮件无正文）'), MATTER_MAX);
  const facts = labelled.facts ? clip(labelled.facts, FACTS_MAX) : undefined;

  return { complainant, stated, respondent, matter, ...(facts ? { facts } : {}), labelled, idNumbersMasked: masked };
}
