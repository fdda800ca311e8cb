/** Reads uploaded objects (scans, sidecars, CSV files) by bucket and key (adapter: shared/adapters/aws/s3-object-reader.ts). */
export interface StoredObject {
  bytes: Uint8Array;
  etag?: string;
}

export interface ObjectReader {
  get(bucket: string, key: string): Promise<StoredObject | undefined>;
}
