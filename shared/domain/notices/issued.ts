/**
 * Art. 18 (“妥善保管相关材料，并归档成册”): a notice to officials as issued — its subject, text and HTML (for a
 * 交办单, the printable slip page attached to the mail) at the moment the step produced it, with its hash. The
 * dossier prints these, never a rendering made later from the case as it stands then.
 */
import type { IssuedDocument } from '../case';
import type { Notice } from '../lifecycle/context';
import { sha256Hex } from '../archive';

/**
 * The printable page a notice carries: the attached HTML page (the 交办单). The mail's own HTML says what its text
 * says and is not kept twice (the event stays small: a designation to many units issues a slip to each).
 */
function printablePage(n: Notice): string | undefined {
  return n.attachments?.find((a) => a.contentType.startsWith('text/html'))?.content;
}

export function issuedDocument(n: Notice): IssuedDocument {
  const html = printablePage(n);
  const audience = n.audience === 'department' || n.audience === 'leader' ? n.audience : 'agency';
  return {
    kind: n.kind,
    audience,
    subject: n.subject,
    to: [...n.to],
    ...(n.department ? { department: n.department } : {}),
    text: n.text,
    ...(html !== undefined ? { html } : {}),
    sha256: sha256Hex(html ?? n.text),
  };
}

/** The documents recorded in the data of timeline events (`data.issued`), in timeline order. */
export function issuedDocumentsOf(events: readonly { seq: number; at: string; data?: Record<string, unknown> }[]): (IssuedDocument & { seq: number; at: string })[] {
  const out: (IssuedDocument & { seq: number; at: string })[] = [];
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    const list = e.data?.issued;
    if (!Array.isArray(list)) continue;
    for (const d of list as IssuedDocument[]) out.push({ ...d, seq: e.seq, at: e.at });
  }
  return out;
}
