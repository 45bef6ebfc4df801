import type { EmulatorCore } from '../core.js';
import { badRequest } from '../errors.js';
import { type Params, stringParam } from '../params.js';
import type { MethodSpec } from './method.js';

/** `getFile`: the `file_path` to download a received file's bytes from. */
export function fileMethods(core: EmulatorCore): MethodSpec[] {
  return [
    {
      name: 'getFile',
      chatBound: false,
      handle(params: Params) {
        const fileId = stringParam(params, 'file_id');
        if (fileId === undefined || fileId === '') throw badRequest('file_id is required');
        const file = core.files.byId(fileId);
        if (file === undefined) throw badRequest('invalid file_id');
        return {
          file_id: file.fileId,
          file_unique_id: file.fileUniqueId,
          file_size: file.bytes.length,
          file_path: file.filePath,
        };
      },
    },
  ];
}
