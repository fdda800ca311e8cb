/**
 * Why a received mail did not become a case (kept in quarantine for staff, shared/ports/quarantine.ts): the
 * classifier's reasons (shared/mail/classify.ts) and the parser's refusals (shared/mail/errors.ts).
 */

/** Mail that is not a complaint: spam, a virus, an auto-reply, a bounce. */
export type NotComplaintReason = 'spam' | 'virus' | 'auto_reply' | 'bounce';

/** Mail the parser refused to read. */
export type MailProblem = 'too_large' | 'malformed' | 'too_deep' | 'timeout';
