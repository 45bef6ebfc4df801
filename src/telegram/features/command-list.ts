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
  {
    command: 'tools',
    description: 'Tools the model may call; switch them per chat',
    scopes: ['private', 'group', 'admin'],
  },
  { command: 'help', description: 'What the bot does and how', scopes: ['private', 'group', 'admin'] },
  { command: 'start', description: 'Welcome and current settings', scopes: ['private', 'admin'] },
  { command: 'stats', description: 'Usage of all users (admins)', scopes: ['admin'] },
];

/** A menu is a nicety: start-up never waits longer than this for one. */
const MENU_CALL_TIMEOUT_MS = 10_000;

type MenuScope = NonNullable<Parameters<Api['setMyCommands']>[1]>['scope'];

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
  options: { adminIds: Iterable<number>; log: Logger; timeoutMs?: number },
): Promise<void> {
  const menus: [string, BotCommand[], MenuScope | undefined][] = [
    ['default', menu('private'), undefined],
    ['all_private_chats', menu('private'), { type: 'all_private_chats' }],
    ['all_group_chats', menu('group'), { type: 'all_group_chats' }],
    ...[...options.adminIds].map((id): [string, BotCommand[], MenuScope] => [
      `admin ${id}`,
      menu('admin'),
      { type: 'chat', chat_id: id },
    ]),
  ];
  for (const [name, commands, scope] of menus) {
    try {
      await api.setMyCommands(
        commands,
        scope === undefined ? {} : { scope },
        // grammY types its signal with the abort-controller polyfill; Node's own is what it uses.
        AbortSignal.timeout(options.timeoutMs ?? MENU_CALL_TIMEOUT_MS) as Parameters<Api['setMyCommands']>[2],
      );
    } catch (error) {
      // An admin who never opened a chat with the bot makes Telegram answer "chat not found".
      options.log.warn({ err: error, scope: name }, 'could not set the command menu');
    }
  }
}
