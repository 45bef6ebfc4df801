import { compact } from '../compact.js';
import type { EmulatorCore } from '../core.js';
import { ApiError, badRequest, DESCRIPTIONS } from '../errors.js';
import { boolParam, intParam, stringParam } from '../params.js';
import { DRAFT_TEXT_RULES, formatInput } from '../text/format-input.js';
import type { MethodSpec } from './method.js';
import { chargeChat, chargeGlobal, resolveChat, threadParam } from './shared.js';

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** Telegram shows a chat action for at most this long. */
export const CHAT_ACTION_MS = 5_000;

export function draftMethods(core: EmulatorCore): MethodSpec[] {
  return [
    {
      name: 'sendMessageDraft',
      chatBound: true,
      handle(params) {
        const record = resolveChat(core, params);
        // Telegram answers TEXTDRAFT_PEER_INVALID for groups, supergroups and channels.
        if (record.kind !== 'private') throw new ApiError(400, DESCRIPTIONS.draftPeerInvalid);
        const draftId = intParam(params, 'draft_id');
        if (draftId === undefined || draftId === 0) throw new ApiError(400, DESCRIPTIONS.draftIdInvalid);
        const threadId = threadParam(record, params);
        const formatted = formatInput(params, DRAFT_TEXT_RULES);
        chargeChat(core, record);
        core.drafts.show(record, {
          ...formatted,
          draftId,
          threadId,
          canStop: boolParam(params, 'can_stop'),
          keepOnStop: boolParam(params, 'keep_on_stop'),
        });
        return true;
      },
    },
    {
      name: 'sendChatAction',
      chatBound: true,
      handle(params) {
        const record = resolveChat(core, params);
        const action = stringParam(params, 'action');
        if (action === undefined || !CHAT_ACTIONS.has(action))
          throw badRequest('wrong parameter action in request');
        const threadId = threadParam(record, params);
        chargeGlobal(core);
        const at = core.now();
        record.chatAction = compact({ action, at, until: at + CHAT_ACTION_MS, threadId });
        core.store.recordEvent(record, compact({ type: 'chat-action' as const, action, threadId }));
        return true;
      },
    },
  ];
}
