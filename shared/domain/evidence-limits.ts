/**
 * Evidence limits (domain: every channel checks files against them, shared/intake/evidence.ts; the form shows
 * them, web/pages.ts). Upload limits of the public form. A Lambda behind API Gateway accepts at most 6 MB per request and
 * multipart bodies arrive base64-encoded (+33 %), so the total stays at 4 MB; larger files need a pre-signed
 * upload (not built).
 */
export const EVIDENCE_LIMITS = {
  maxFiles: 5,
  maxFileBytes: 4 * 1024 * 1024,
  maxTotalBytes: 4 * 1024 * 1024,
  /** Whole request, form fields included. */
  maxRequestBytes: 4.5 * 1024 * 1024,
} as const;

/** Scans of letters and slips (staff channels) are larger than citizens' evidence: 10 pages of 8 MB each at most. */
export const SCAN_LIMITS = { maxFiles: 10, maxFileBytes: 8 * 1024 * 1024, maxTotalBytes: 40 * 1024 * 1024 } as const;

/** Accepted types, recognised by their first bytes (the declared type is not trusted). */
export const EVIDENCE_TYPES: readonly { contentType: string; ext: string; label: string; magic: (b: Uint8Array) => boolean }[] = [
  { contentType: 'image/jpeg', ext: 'jpg', label: 'JPG', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { contentType: 'image/png', ext: 'png', label: 'PNG', magic: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  { contentType: 'application/pdf', ext: 'pdf', label: 'PDF', magic: (b) => b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46 },
  {
    contentType: 'image/webp',
    ext: 'webp',
    label: 'WEBP',
    magic: (b) => b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50,
  },
];

export function sniffType(bytes: Uint8Array): string | undefined {
  return EVIDENCE_TYPES.find((t) => t.magic(bytes))?.contentType;
}
