import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore } from '../../shared/adapters/aws/s3-blob-store';
import { lazyS3BlobStore } from '../../shared/adapters/aws/lazy-s3-blob-store';
import { FolderBlobStore } from '../../infra/local/folder-blob-store';
import { ValidationError } from '../../shared/domain/errors';

const body = new TextEncoder().encode('投诉材料：营业执照复印件');
const sha = createHash('sha256').update(body).digest();

describe('S3BlobStore', () => {
  const s3 = new S3Client({ region: 'ap-east-1' });
  const mock = mockClient(s3);
  afterEach(() => mock.reset());

  it('puts with ChecksumSHA256 and SSE and returns s3://bucket/key with sha256 and size', async () => {
    mock.on(PutObjectCommand).resolves({});
    const store = new S3BlobStore({ s3, bucket: 'tousu-evidence' });
    const blob = await store.put('evidence/C1/a.txt', body, 'text/plain; charset=utf-8');
    expect(blob).toEqual({ ref: 's3://tousu-evidence/evidence/C1/a.txt', sha256: sha.toString('hex'), size: body.byteLength, contentType: 'text/plain; charset=utf-8' });
    const input = mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ Bucket: 'tousu-evidence', Key: 'evidence/C1/a.txt', ChecksumSHA256: sha.toString('base64'), ServerSideEncryption: 'AES256' });
  });

  it('uses SSE-KMS when given a key', async () => {
    mock.on(PutObjectCommand).resolves({});
    await new S3BlobStore({ s3, bucket: 'b', kmsKeyId: 'arn:aws:kms:ap-east-1:1:key/k' }).put('k', body, 'application/octet-stream');
    expect(mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'arn:aws:kms:ap-east-1:1:key/k' });
  });

  it('gets bytes back, undefined for a missing object, and refuses foreign refs and traversal', async () => {
    const store = new S3BlobStore({ s3, bucket: 'b' });
    mock.on(GetObjectCommand, { Bucket: 'b', Key: 'x/y' }).resolves({ Body: { transformToByteArray: async () => new Uint8Array(body) } as never });
    mock.on(GetObjectCommand, { Bucket: 'b', Key: 'gone' }).rejects(new NoSuchKey({ message: 'no', $metadata: {} }));
    expect(await store.get('s3://b/x/y')).toEqual(new Uint8Array(body));
    expect(await store.get('s3://b/gone')).toBeUndefined();
    await expect(store.get('s3://other/x/y')).rejects.toBeInstanceOf(ValidationError);
    await expect(store.put('../etc/passwd', body, 'text/plain')).rejects.toBeInstanceOf(ValidationError);
    expect(mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('lazyS3BlobStore (S3 loaded on first use)', () => {
  // The store builds its own client on first use: mock every S3Client instance (for this block only).
  let mock: ReturnType<typeof mockClient>;
  beforeAll(() => {
    mock = mockClient(S3Client);
  });
  afterAll(() => mock.restore());

  it('sends the same PutObject and GetObject as S3BlobStore, with SSE-KMS, and maps a missing object to undefined', async () => {
    mock.on(PutObjectCommand).resolves({});
    mock.on(GetObjectCommand, { Bucket: 'ev', Key: 'evidence/C1/a.txt' }).resolves({ Body: { transformToByteArray: async () => new Uint8Array(body) } as never });
    mock.on(GetObjectCommand, { Bucket: 'ev', Key: 'gone' }).rejects(new NoSuchKey({ message: 'no', $metadata: {} }));
    const store = lazyS3BlobStore({ bucket: 'ev', kmsKeyId: 'arn:aws:kms:ap-east-1:1:key/k' });
    const blob = await store.put('evidence/C1/a.txt', body, 'text/plain');
    expect(blob).toEqual({ ref: 's3://ev/evidence/C1/a.txt', sha256: sha.toString('hex'), size: body.byteLength, contentType: 'text/plain' });
    expect(mock.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'ev',
      Key: 'evidence/C1/a.txt',
      ChecksumSHA256: sha.toString('base64'),
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:ap-east-1:1:key/k',
    });
    expect(await store.get(blob.ref)).toEqual(new Uint8Array(body));
    expect(await store.get('s3://ev/gone')).toBeUndefined();
    await expect(store.get('s3://other/x')).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('FolderBlobStore (real files)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-blobs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes atomically under the root and reads back', async () => {
    const store = new FolderBlobStore(dir);
    const blob = await store.put('evidence/C1/营业执照.txt', body, 'text/plain');
    expect(blob).toEqual({ ref: 'file:evidence/C1/营业执照.txt', sha256: sha.toString('hex'), size: body.byteLength, contentType: 'text/plain' });
    expect(new Uint8Array(await readFile(join(dir, 'evidence/C1/营业执照.txt')))).toEqual(new Uint8Array(body));
    expect(await readdir(join(dir, 'evidence/C1'))).toEqual(['营业执照.txt']); // no temp file left
    expect(await store.get(blob.ref)).toEqual(new Uint8Array(body));
    // overwrite is atomic too
    await store.put('evidence/C1/营业执照.txt', new Uint8Array([1, 2, 3]), 'text/plain');
    expect(await store.get(blob.ref)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await store.get('file:evidence/none')).toBeUndefined();
  });

  it.each(['../outside', 'a/../../outside', '/abs', 'a//b', 'a\\..\\b', 'a/./b', 'nul\u0000byte', 'a/.tmp-x', ''])('refuses key %j', async (key) => {
    const store = new FolderBlobStore(join(dir, 'root'));
    await expect(store.put(key, body, 'text/plain')).rejects.toBeInstanceOf(ValidationError);
    await expect(store.get(`file:${key}`)).rejects.toBeInstanceOf(ValidationError);
    await expect(readdir(dir)).resolves.toEqual([]);
  });

  it('refuses a ref of another store', async () => {
    await expect(new FolderBlobStore(dir).get('s3://b/k')).rejects.toBeInstanceOf(ValidationError);
  });
});
