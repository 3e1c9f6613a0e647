import { createRequire } from 'node:module';

// s3rver is CommonJS without types: the part of it the stack uses, typed here.
interface S3rverServer {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
  allowMismatchedSignatures: boolean;
}) => S3rverServer;

/** The bucket of invoice attachments (and, next, report archives) on the local stack. */
export const LOCAL_FILES_BUCKET = 'pmo-files';

/** The S3 stand-in: its URL, and how to stop it. */
export interface RunningFileStore {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts the local stand-in for S3 (s3rver), keeping its objects under `directory` so they outlive
 * a restart like the table and the inbox. The functions reach it through `AWS_ENDPOINT_URL_S3`, as
 * they reach the other stand-ins; it takes any credentials (the local ones are not its own).
 *
 * Its known limits: it does not enforce a presigned POST's conditions (size, content type), so the
 * product checks an upload's size, type and first bytes itself after it lands, on both runtimes.
 */
export async function startLocalFileStore(options: { host: string; port: number; directory: string }): Promise<RunningFileStore> {
  const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;
  const server = new S3rver({
    address: options.host,
    port: options.port,
    directory: options.directory,
    silent: true,
    configureBuckets: [{ name: LOCAL_FILES_BUCKET }],
    allowMismatchedSignatures: true,
  });
  const { port } = await server.run();
  return { url: `http://${options.host}:${port}`, port, close: () => server.close() };
}
