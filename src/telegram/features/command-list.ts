import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Logger } from '../../logger.js';

export interface CommandInfo extends BotCommand {
  /** Where the command is offered in Telegram's menu. */
  scopes: ('private' | 'group' | 'admin')[];
}

/** Every command, in menu order; `/help` and the menu are built from this one list. */
export const COMMANDS: readonly CommandInfo[] = [
  { command: 'new', description: 'Start a new conversation', scopes: ['private', 'group', 'admin'] },
  { command: 'model', description: 'Choose the model', scopes: ['private', 'group', 'admin'] },
  { command: 'stop', description: 'Stop the answer being written', scopes: ['private', 'group', 'admin'] },
  { command: 'usage', description: 'Your token usage and cost', scopes: ['private', 'group', 'admin'] },
  {
    command: 'system',
    description: 'Set the system prompt (empty resets it)',
    scopes: ['private', 'group', 'admin'],
  },
  {
    command: 'reasoning',
    description: "Show or hide the model's reasoning (on|off)",
    scopes: ['private', 'group', 'admin'],
  },
  { command: 'help', description: 'What the bot does and how', scopes: ['private', 'group', 'admin'] },
  { command: 'start', description: 'Welcome and current settings', scopes: ['private', 'admin'] },
  { command: 'stats', description: 'Usage of all users (admins)', scopes: ['admin'] },
];

const menu = (scope: CommandInfo['scopes'][number]) =>
  COMMANDS.filter((info) => info.scopes.includes(scope)).map(({ command, description }) => ({
    command,
    description,
  }));

/**
 * Registers the menus: private chats and groups get their own lists; admins listed by numeric id also
 * see /stats in their private chat. A failure is logged, never fatal: the commands work without a menu.
 */
export async function registerCommandMenus(
  api: Api,
  options: { adminIds: Iterable<number>; log: Logger },
): Promise<void> {
  const calls: [string, () => Promise<unknown>][] = [
    ['default', () => api.setMyCommands(menu('private'))],
    ['all_private_chats', () => api.setMyCommands(menu('private'), { scope: { type: 'all_private_chats' } })],
    ['all_group_chats', () => api.setMyCommands(menu('group'), { scope: { type: 'all_group_chats' } })],
    ...[...options.adminIds].map(
      (id) =>
        [`admin ${id}`, () => api.setMyCommands(menu('admin'), { scope: { type: 'chat', chat_id: id } })] as [
          string,
          () => Promise<unknown>,
        ],
    ),
  ];
  for (const [scope, call] of calls) {
    try {
      await call();
    } catch (error) {
      // An admin who never opened a chat with the bot makes Telegram answer "chat not found".
      options.log.warn({ err: error, scope }, 'could not set the command menu');
    }
  }
}
