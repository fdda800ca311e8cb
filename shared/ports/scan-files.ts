/**
 * The scans of one batch (a letter manifest, a box opening), read by the name a row gives, relative to the batch:
 * an S3 prefix (shared/adapters/aws/s3-scan-files.ts) or a folder (shared/adapters/local/folder-scan-files.ts).
 * The names are checked before they reach a source (shared/intake/scan-files.ts): never absolute, never `..`.
 */
export interface ScanFileSource {
  /** The file's bytes, or undefined when the batch has no file of that name. */
  read(name: string): Promise<Uint8Array | undefined>;
  /** Where the file lives, for the evidence record (`s3://bucket/key`, or undefined where the blob store keeps it). */
  refOf?(name: string): string;
}
