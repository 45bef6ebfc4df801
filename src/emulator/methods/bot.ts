import type { BotCommand } from '../api-types.js';
import { compact } from '../compact.js';
import type { EmulatorCore } from '../core.js';
import { ApiError, badRequest, DESCRIPTIONS } from '../errors.js';
import { boolParam, jsonParam, type Params, stringParam } from '../params.js';
import type { MethodSpec } from './method.js';
import { resolveChat } from './shared.js';

function commandsKey(params: Params): string {
  const scope = jsonParam(params, 'scope', "can't parse BotCommandScope JSON object") as
    | { type?: string; chat_id?: unknown; user_id?: unknown }
    | undefined;
  const language = stringParam(params, 'language_code') ?? '';
  return `${scope?.type ?? 'default'}:${String(scope?.chat_id ?? '')}:${String(scope?.user_id ?? '')}:${language}`;
}

export function botMethods(core: EmulatorCore): MethodSpec[] {
  return [
    { name: 'getMe', chatBound: false, handle: () => core.bot },
    {
      name: 'setMyCommands',
      chatBound: false,
      handle(params) {
        const commands = jsonParam(params, 'commands', "can't parse commands JSON object");
        if (!Array.isArray(commands)) throw badRequest('parameter "commands" is required');
        if (commands.length > 100) throw badRequest('too many commands specified');
        const clean: BotCommand[] = commands.map((item) => {
          const { command, description } = (item ?? {}) as Record<string, unknown>;
          if (typeof command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command)) {
            throw badRequest('BOT_COMMAND_INVALID');
          }
          if (typeof description !== 'string' || description.length < 1 || description.length > 256) {
            throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
          }
          return { command, description };
        });
        core.commands.set(commandsKey(params), clean);
        return true;
      },
    },
    {
      name: 'getMyCommands',
      chatBound: false,
      handle: (params) => core.commands.get(commandsKey(params)) ?? [],
    },
    {
      name: 'deleteMyCommands',
      chatBound: false,
      handle(params) {
        core.commands.delete(commandsKey(params));
        return true;
      },
    },
    {
      name: 'getChat',
      chatBound: false,
      handle(params) {
        const record = resolveChat(core, params);
        return { ...record.chat, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: {} };
      },
    },
    {
      name: 'answerCallbackQuery',
      chatBound: false,
      handle(params) {
        const id = stringParam(params, 'callback_query_id');
        const query = id === undefined ? undefined : core.callbacks.get(id);
        if (query === undefined || query.answer !== undefined)
          throw new ApiError(400, DESCRIPTIONS.queryTooOld);
        const text = stringParam(params, 'text');
        if (text !== undefined && [...text].length > 200) throw badRequest('MESSAGE_TOO_LONG');
        const showAlert = boolParam(params, 'show_alert');
        core.limiter.take(undefined, { slidingOnly: true });
        query.answer = compact({ text, showAlert, url: stringParam(params, 'url'), at: core.now() });
        const record = core.store.get(query.chatId);
        if (record !== undefined) {
          core.store.recordEvent(
            record,
            compact({
              type: 'callback-answer' as const,
              callbackQueryId: query.id,
              messageId: query.messageId,
              text,
              showAlert,
            }),
          );
        }
        return true;
      },
    },
  ];
}
