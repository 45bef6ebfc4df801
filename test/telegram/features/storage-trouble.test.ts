import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { StorageError } from '../../../src/storage/errors.js';
import type { BotContext } from '../../../src/telegram/context.js';
import { reportStorageTrouble, STORAGE_TROUBLE } from '../../../src/telegram/features/storage-trouble.js';

/** Just the parts of a context the middleware touches, recording what it says. */
function fakeContext(kind: 'message' | 'callback') {
  const said: string[] = [];
  const ctx = {
    log: createLogger({ level: 'silent', secrets: [] }),
    chat: { id: 1, type: 'private' },
    callbackQuery: kind === 'callback' ? { id: 'q' } : undefined,
    reply: async (text: string) => said.push(`reply: ${text}`),
    answerCallbackQuery: async (options: { text: string }) => said.push(`callback: ${options.text}`),
  };
  return { ctx: ctx as unknown as BotContext, said };
}

describe('reportStorageTrouble', () => {
  it('tells the user when a command cannot read or save, by message or callback answer', async () => {
    const failing = async () => {
      throw new StorageError('read-only', 'chats.setModel', 'SQLITE_READONLY');
    };
    const message = fakeContext('message');
    await reportStorageTrouble(message.ctx, failing);
    expect(message.said).toEqual([`reply: ${STORAGE_TROUBLE}`]);
    const callback = fakeContext('callback');
    await reportStorageTrouble(callback.ctx, failing);
    expect(callback.said).toEqual([`callback: ${STORAGE_TROUBLE}`]);
  });

  it('leaves other errors to the bot’s error boundary', async () => {
    const { ctx, said } = fakeContext('message');
    await expect(
      reportStorageTrouble(ctx, async () => {
        throw new TypeError('a bug');
      }),
    ).rejects.toThrow('a bug');
    expect(said).toEqual([]);
  });
});
