import type { BotCommand } from '../emulator/index.js';

interface Scope {
  type: string;
  chat_id?: number | string;
  user_id?: number;
}

/**
 * The command menus the bot set (setMyCommands with a scope), and the one Telegram shows in a chat:
 * the most specific scope that has commands wins, as in Telegram's documented order.
 */
export interface CommandMenus {
  /** Follows a setMyCommands or deleteMyCommands call's parameters. */
  apply(method: string, params: Record<string, unknown>): void;
  forChat(chat: { id: number; kind: 'private' | 'group' }, userId: number): BotCommand[];
}

const parse = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
};

const keyOf = (scope: Scope | undefined) =>
  `${scope?.type ?? 'default'}:${String(scope?.chat_id ?? '')}:${String(scope?.user_id ?? '')}`;

export function createCommandMenus(): CommandMenus {
  const menus = new Map<string, BotCommand[]>();
  return {
    apply(method, params) {
      // Menus for other languages would need a client language; the playground's user speaks English.
      const language = typeof params.language_code === 'string' ? params.language_code : '';
      if (language !== '' && language !== 'en') return;
      const key = keyOf(parse(params.scope) as Scope | undefined);
      if (method === 'deleteMyCommands') menus.delete(key);
      else if (method === 'setMyCommands') {
        const commands = parse(params.commands);
        if (Array.isArray(commands)) menus.set(key, commands as BotCommand[]);
      }
    },
    forChat(chat, userId) {
      const order =
        chat.kind === 'private'
          ? [keyOf({ type: 'chat', chat_id: chat.id }), keyOf({ type: 'all_private_chats' })]
          : [
              keyOf({ type: 'chat_member', chat_id: chat.id, user_id: userId }),
              keyOf({ type: 'chat', chat_id: chat.id }),
              keyOf({ type: 'all_group_chats' }),
            ];
      for (const key of [...order, keyOf(undefined)]) {
        const commands = menus.get(key);
        if (commands !== undefined && commands.length > 0) return commands;
      }
      return [];
    },
  };
}
