export { ingestEmail, emailSourceKey, DEFAULT_ATTACHMENT_POLICY } from './service';
export type { EmailIntakeDeps, EmailIntakeResult, MailSource, SubmitIntake, AttachmentPolicy, RefusedAttachment } from './service';
export { createEmailIntakeRoute } from './route';
export type { EmailIntakeRoute, EmailRouteRequest, EmailRouteResponse } from './route';
export { QUARANTINE_REASON_LABELS } from './quarantine';
export type { QuarantineEntry, QuarantineReason, QuarantineStore, QuarantinePage } from './quarantine';
