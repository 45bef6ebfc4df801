import { z } from 'zod';
import { FAULT_KINDS, type FaultKind } from './fault-controller.js';

const chatId = z.number().int().safe();

/** Files from the page: enough for photos and documents, small enough for a JSON body. */
export const MAX_PLAYGROUND_FILE_BYTES = 10 * 1024 * 1024;

/** The JSON bodies the page posts; anything else is a 400 naming the field. */
export const apiRequests = {
  send: z.object({
    chatId,
    text: z.string().min(1).max(4096),
    replyToMessageId: z.number().int().positive().optional(),
  }),
  /** A picture or file from the page (attach button, drag and drop), base64 in JSON. */
  sendFile: z.object({
    chatId,
    fileName: z.string().min(1).max(255),
    mimeType: z.string().max(255),
    dataBase64: z.string().max(Math.ceil((MAX_PLAYGROUND_FILE_BYTES * 4) / 3) + 4),
    caption: z.string().max(1024).optional(),
    /** A picture's size, measured by the page: it is then sent as a photo, else as a file. */
    width: z.number().int().positive().max(20_000).optional(),
    height: z.number().int().positive().max(20_000).optional(),
    /** Pictures sent together from the page: one album. */
    mediaGroupId: z.string().min(1).max(64).optional(),
  }),
  press: z.object({ chatId, messageId: z.number().int().positive(), data: z.string().min(1).max(64) }),
  stopDraft: z.object({ chatId, draftId: z.number().int() }),
  limits: z.object({ preset: z.enum(['telegram', 'strict', 'none']) }),
  fault: z.object({
    kind: z.enum(FAULT_KINDS as [FaultKind, ...FaultKind[]]),
    chatId: chatId.optional(),
  }),
};

export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseRequest<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw new ApiRequestError(400, problems.join('; '));
}
