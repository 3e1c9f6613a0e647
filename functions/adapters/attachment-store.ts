import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { environment } from './environment.ts';
import { s3Client } from './s3-client.ts';

/** How long an upload form or a download link works. */
const PRESIGNED_SECONDS = 5 * 60;

/** What a browser or client posts an upload to: S3's URL and the signed form fields to send with the file. */
export interface PresignedUpload {
  readonly url: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly expiresInSeconds: number;
}

/** What an uploaded object turned out to be. */
export interface StoredObject {
  readonly size: number;
  readonly contentType: string | undefined;
  /** Its first bytes, to check what the file really is. */
  readonly head: Uint8Array;
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404);
}

/**
 * Files in the private files bucket (invoice PDFs, archived reports): uploaded by presigned POST
 * straight from the client, then checked by the product; read through short-lived presigned links.
 */
export const attachmentStore = {
  /**
   * A signed upload of one object at `key`: the policy limits its size and content type (S3
   * enforces both; the local stand-in does not, so {@link attachmentStore.inspect} checks again).
   */
  async presignUpload(key: string, contentType: string, maxBytes: number, redirectTo?: string): Promise<PresignedUpload> {
    const { url, fields } = await createPresignedPost(s3Client, {
      Bucket: environment.filesBucket,
      Key: key,
      // A browser's form upload is sent back to the page with the object's key appended (S3's
      // success_action_redirect); an API client gets S3's own answer.
      Conditions: [['content-length-range', 1, maxBytes], ['eq', '$Content-Type', contentType], ...(redirectTo ? [['eq', '$success_action_redirect', redirectTo] as ['eq', string, string]] : [])],
      Fields: { 'Content-Type': contentType, ...(redirectTo ? { success_action_redirect: redirectTo } : {}) },
      Expires: PRESIGNED_SECONDS,
    });
    return { url, fields, expiresInSeconds: PRESIGNED_SECONDS };
  },

  /** The object's size, type and first bytes, or undefined when nothing was uploaded at `key`. */
  async inspect(key: string, firstBytes = 8): Promise<StoredObject | undefined> {
    try {
      const head = await s3Client.send(new HeadObjectCommand({ Bucket: environment.filesBucket, Key: key }));
      const object = await s3Client.send(new GetObjectCommand({ Bucket: environment.filesBucket, Key: key, Range: `bytes=0-${firstBytes - 1}` }));
      const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      return { size: head.ContentLength ?? 0, contentType: head.ContentType, head: bytes.subarray(0, firstBytes) };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },

  /** Writes an object whole (an archived report). */
  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    await s3Client.send(new PutObjectCommand({ Bucket: environment.filesBucket, Key: key, Body: body, ContentType: contentType }));
  },

  /** Removes an object (an upload that was refused). */
  async remove(key: string): Promise<void> {
    await s3Client.send(new DeleteObjectCommand({ Bucket: environment.filesBucket, Key: key }));
  },

  /** A short-lived link that downloads the object as `fileName`. */
  async presignDownload(key: string, fileName: string, contentType: string): Promise<string> {
    const safeName = fileName.replace(/[^\w.\- ]+/g, '_').slice(0, 120) || 'attachment';
    return getSignedUrl(
      s3Client,
      new GetObjectCommand({ Bucket: environment.filesBucket, Key: key, ResponseContentDisposition: `attachment; filename="${safeName}"`, ResponseContentType: contentType }),
      { expiresIn: PRESIGNED_SECONDS },
    );
  },
};
