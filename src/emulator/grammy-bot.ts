import { Bot, type BotConfig, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { BotApiEmulator } from './emulator.js';

/**
 * A grammY bot wired to the emulator: its real API client with `apiRoot` pointed at the emulator,
 * and `botInfo` preset so no getMe call is needed before handling updates.
 */
export function createEmulatedBot<C extends Context = Context>(
  emulator: BotApiEmulator,
  config: BotConfig<C> = {},
): Bot<C> {
  return new Bot<C>(emulator.token, {
    ...config,
    botInfo: config.botInfo ?? (emulator.bot as UserFromGetMe),
    client: { ...config.client, apiRoot: emulator.apiRoot },
  });
}
