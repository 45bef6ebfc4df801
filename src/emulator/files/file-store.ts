export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  /** Telegram's `file_path` (`photos/file_3.png`), the part after `/file/bot<token>/`. */
  filePath: string;
  bytes: Uint8Array;
}

/** What a failed download looks like: an error status, or the bytes cut off half-way. */
export type DownloadFault = { kind: 'status'; status: 404 | 500 | 502 } | { kind: 'cut' };

export interface FileStore {
  put(input: {
    fileId: string;
    fileUniqueId: string;
    bytes: Uint8Array;
    extension: string;
    folder: string;
  }): StoredFile;
  byId(fileId: string): StoredFile | undefined;
  byPath(filePath: string): StoredFile | undefined;
  /** The next download (of any file) fails this way. */
  failNextDownload(fault: DownloadFault): void;
  takeDownloadFault(): DownloadFault | undefined;
  clearFaults(): void;
}

/** The bytes behind `file_id`s, as Telegram's file storage holds them for `getFile` and downloads. */
export function createFileStore(): FileStore {
  const files = new Map<string, StoredFile>();
  const paths = new Map<string, StoredFile>();
  let faults: DownloadFault[] = [];
  let seq = 0;
  return {
    put(input) {
      const existing = files.get(input.fileId);
      if (existing !== undefined) return existing;
      const file: StoredFile = {
        fileId: input.fileId,
        fileUniqueId: input.fileUniqueId,
        filePath: `${input.folder}/file_${seq++}.${input.extension}`,
        bytes: input.bytes,
      };
      files.set(file.fileId, file);
      paths.set(file.filePath, file);
      return file;
    },
    byId: (fileId) => files.get(fileId),
    byPath: (filePath) => paths.get(filePath),
    failNextDownload(fault) {
      faults.push(fault);
    },
    takeDownloadFault: () => faults.shift(),
    clearFaults() {
      faults = [];
    },
  };
}
