import { plainStatus, type RawResponse } from '../http/router.js';
import type { FileStore } from './file-store.js';

/** The file download route: the stored bytes, or the scripted fault for this download. */
export function serveDownload(files: FileStore, filePath: string): RawResponse {
  const file = files.byPath(filePath);
  if (file === undefined) return plainStatus(404, 'Not Found');
  const fault = files.takeDownloadFault();
  if (fault?.kind === 'status')
    return plainStatus(fault.status, fault.status === 404 ? 'Not Found' : 'Internal Server Error');
  if (fault?.kind === 'cut')
    return { kind: 'bytes', status: 200, body: file.bytes, cutAt: Math.floor(file.bytes.length / 2) };
  return { kind: 'bytes', status: 200, body: file.bytes };
}
