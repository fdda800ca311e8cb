/** The scans of a batch uploaded under one S3 prefix (the folder of the sidecar or the box CSV). */
import type { ObjectReader } from '../../ports/object-reader';
import type { ScanFileSource } from '../../ports/scan-files';

export function s3ScanFiles(reader: ObjectReader, bucket: string, folder: string): ScanFileSource {
  return {
    read: async (name) => (await reader.get(bucket, folder + name))?.bytes,
    refOf: (name) => `s3://${bucket}/${folder}${name}`,
  };
}
