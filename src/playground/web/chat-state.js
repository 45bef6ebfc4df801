/**
 * The page's model of the chats, built from the server's snapshot and kept current by its events.
 * Pure (no DOM): `applyEvent` says what changed, so the views redraw only that.
 */

const MAX_CALLS = 3000;
const MAX_LOGS = 300;
/** Telegram shows a chat action for up to 5 s, or until the bot's next message. */
const CHAT_ACTION_MS = 5000;

/** @param {any} snapshot the `state` of a `snapshot` event */
export function createChatState(snapshot) {
  return {
    bot: snapshot.bot,
    user: snapshot.user,
    models: snapshot.models,
    commands: snapshot.commands,
    limits: snapshot.limits,
    faults: snapshot.faults,
    chats: new Map(
      snapshot.chats.map((chat) => [
        chat.id,
        {
          id: chat.id,
          kind: chat.kind,
          title: chat.kind === 'private' ? snapshot.bot.name : chat.title,
          messages: new Map(chat.messages.map((message) => [message.messageId, { ...message }])),
          drafts: new Map(chat.drafts.map((draft) => [draft.threadId ?? 0, { ...draft }])),
          chatAction: chat.chatAction ?? null,
        },
      ]),
    ),
    calls: [...snapshot.calls],
    answers: new Map(snapshot.answers.map((answer) => [answer.id, answer])),
    logs: [...snapshot.logs],
  };
}

/**
 * @returns {{ what: string, chatId?: number, toast?: { text: string, alert: boolean } }}
 */
export function applyEvent(state, event) {
  switch (event.type) {
    case 'timeline':
      return applyTimeline(state, event.event);
    case 'call':
      state.calls.push(event.call);
      if (state.calls.length > MAX_CALLS) state.calls.splice(0, state.calls.length - MAX_CALLS);
      return { what: 'calls', chatId: event.call.chatId };
    case 'answer':
      state.answers.set(event.answer.id, event.answer);
      return { what: 'answers', chatId: event.answer.chatId };
    case 'limits':
      state.limits = { preset: event.preset, values: event.values };
      return { what: 'limits' };
    case 'faults':
      state.faults = event.faults;
      return { what: 'faults' };
    case 'commands':
      state.commands = event.commands;
      return { what: 'commands' };
    case 'log':
      state.logs.push(event.line);
      if (state.logs.length > MAX_LOGS) state.logs.shift();
      return { what: 'logs' };
    default:
      return { what: 'nothing' };
  }
}

function applyTimeline(state, event) {
  const chat = state.chats.get(event.chatId);
  if (chat === undefined) return { what: 'nothing' };
  const chatId = chat.id;
  switch (event.type) {
    case 'message': {
      const message = {
        messageId: event.messageId,
        from: event.from,
        senderName: event.from === 'bot' ? state.bot.name : state.user.name,
        sentAt: event.at,
        // A photo shows as its picture; other files without a caption still show as something.
        text:
          event.text ??
          event.caption ??
          (event.media === undefined || event.media === 'photo' ? '' : `📎 ${event.media}`),
        entities: event.entities ?? [],
        editCount: 0,
      };
      if (event.media !== undefined) message.media = event.media;
      if (event.replyMarkup !== undefined) message.replyMarkup = event.replyMarkup;
      if (event.replyToMessageId !== undefined) message.replyToMessageId = event.replyToMessageId;
      chat.messages.set(event.messageId, message);
      if (event.from === 'bot') chat.chatAction = null;
      return { what: 'messages', chatId };
    }
    case 'edit': {
      const message = chat.messages.get(event.messageId);
      if (message === undefined) return { what: 'nothing' };
      if (event.change === 'text') {
        message.text = event.text ?? '';
        message.entities = event.entities ?? [];
      }
      // An edit without reply_markup removes the keyboard, as in Telegram.
      if (event.replyMarkup === undefined) delete message.replyMarkup;
      else message.replyMarkup = event.replyMarkup;
      message.editCount = event.editCount;
      return { what: 'messages', chatId };
    }
    case 'deleted':
      chat.messages.delete(event.messageId);
      return { what: 'messages', chatId };
    case 'draft':
      chat.drafts.set(event.threadId ?? 0, {
        draftId: event.draftId,
        text: event.text,
        entities: event.entities ?? [],
        canStop: event.canStop,
        stopped: false,
        frame: event.frame,
      });
      return { what: 'draft', chatId };
    case 'draft-cleared': {
      const key = event.threadId ?? 0;
      if (chat.drafts.get(key)?.draftId === event.draftId) chat.drafts.delete(key);
      return { what: 'draft', chatId };
    }
    case 'stop-pressed': {
      const draft = chat.drafts.get(event.threadId ?? 0);
      if (draft?.draftId === event.draftId) draft.stopped = true;
      return { what: 'draft', chatId };
    }
    case 'chat-action':
      chat.chatAction = { action: event.action, until: event.at + CHAT_ACTION_MS };
      return { what: 'action', chatId };
    case 'callback-answer':
      return event.text
        ? { what: 'toast', chatId, toast: { text: event.text, alert: event.showAlert === true } }
        : { what: 'nothing' };
    default:
      return { what: 'nothing' };
  }
}

/** Messages of a chat in order (ids grow with time in a chat). */
export function orderedMessages(chat) {
  return [...chat.messages.values()].sort((a, b) => a.messageId - b.messageId);
}

/** What Telegram shows under the chat title: the bot's status, or the group's members. */
export function chatStatus(chat, now) {
  if (chat.chatAction !== null && chat.chatAction.until > now) {
    const action = chat.chatAction.action;
    return { text: action === 'typing' ? 'typing…' : `${action.replaceAll('_', ' ')}…`, active: true };
  }
  return { text: chat.kind === 'private' ? 'bot' : '2 members', active: false };
}
