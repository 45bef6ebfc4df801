import { z } from 'zod';
import { FAULT_KINDS, type FaultKind } from './fault-controller.js';

const chatId = z.number().int().safe();

/** The JSON bodies the page posts; anything else is a 400 naming the field. */
export const apiRequests = {
  send: z.object({
    chatId,
    text: z.string().min(1).max(4096),
    replyToMessageId: z.number().int().positive().optional(),
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
