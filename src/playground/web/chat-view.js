/** The Telegram-like chat: chat list, header, messages, drafts and keyboards. DOM only, no fetches. */
import { chatStatus, orderedMessages } from './chat-state.js';
import { escapeHtml, renderEntities } from './render-entities.js';

const timeOf = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const initials = (name) =>
  name
    .split(/\s+/)
    .map((word) => word[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();

/** Length of the common beginning of two texts: what is new in a frame starts there. */
export function commonPrefixLength(a, b) {
  const max = Math.min(a.length, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

export function renderChatList(list, state, currentId, unread) {
  const now = Date.now() + state.clockOffset;
  list.replaceChildren(
    ...[...state.chats.values()].map((chat) => {
      const item = document.createElement('li');
      item.dataset.chatId = String(chat.id);
      if (chat.id === currentId) item.classList.add('active');
      const messages = orderedMessages(chat);
      const last = messages.at(-1);
      const status = chatStatus(chat, now);
      const draft = [...chat.drafts.values()][0];
      let preview;
      if (status.active || draft !== undefined)
        preview = `<span class="typing">${status.active ? status.text : 'typing…'}</span>`;
      else if (last === undefined)
        preview = chat.kind === 'private' ? 'Say hello to the bot' : 'Mention the bot to talk to it';
      else preview = `${last.from === 'user' ? 'You: ' : ''}${escapeHtml(last.text.slice(0, 80))}`;
      const count = unread.get(chat.id) ?? 0;
      item.innerHTML = `
        <div class="avatar ${chat.kind}">${escapeHtml(initials(chat.title))}</div>
        <div class="info">
          <div class="title"><span>${escapeHtml(chat.title)}</span>${last ? `<span class="hint">${timeOf(last.sentAt)}</span>` : ''}</div>
          <div class="preview">${preview}${count > 0 ? '' : ''}</div>
        </div>
        ${count > 0 ? `<span class="unread">${count}</span>` : ''}`;
      return item;
    }),
  );
}

export function renderHeader(elements, state, chat) {
  const now = Date.now() + state.clockOffset;
  elements.avatar.className = `avatar ${chat.kind}`;
  elements.avatar.textContent = initials(chat.title);
  elements.name.textContent = chat.title;
  const status = chatStatus(chat, now);
  elements.status.textContent = status.text;
  elements.status.classList.toggle('active', status.active);
}

function keyboardHtml(markup) {
  const rows = markup?.inline_keyboard;
  if (!Array.isArray(rows) || rows.length === 0) return '';
  const html = rows
    .map(
      (row) =>
        `<div class="keyboard-row">${row
          .map((button) =>
            typeof button.url === 'string'
              ? `<a href="${escapeHtml(button.url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(button.text)} ↗</a>`
              : `<button type="button" data-callback="${escapeHtml(String(button.callback_data ?? ''))}">${escapeHtml(button.text)}</button>`,
          )
          .join('')}</div>`,
    )
    .join('');
  return `<div class="keyboard">${html}</div>`;
}

function replyQuoteHtml(chat, messageId) {
  const replied = chat.messages.get(messageId);
  if (replied === undefined) return '';
  return `<div class="reply-quote"><b>${escapeHtml(replied.senderName)}</b><span>${escapeHtml(replied.text.slice(0, 100))}</span></div>`;
}

/** Media that may be a picture; the server answers 404 for files that are not (the image then hides). */
const PICTURE_MEDIA = new Set(['photo', 'document', 'animation']);

function pictureHtml(chat, message) {
  if (message.from !== 'user' || !PICTURE_MEDIA.has(message.media)) return '';
  const src = `/api/picture/${encodeURIComponent(chat.id)}/${encodeURIComponent(message.messageId)}`;
  return `<img class="picture" src="${src}" alt="the picture you sent" loading="lazy" data-media="${escapeHtml(message.media)}">`;
}

function messageHtml(chat, message, freshFrom) {
  const incoming = message.from === 'bot';
  const sender =
    chat.kind !== 'private' && incoming ? `<div class="sender">${escapeHtml(message.senderName)}</div>` : '';
  const reply = message.replyToMessageId === undefined ? '' : replyQuoteHtml(chat, message.replyToMessageId);
  const meta = `<span class="meta">${message.editCount > 0 ? 'edited ' : ''}${timeOf(message.sentAt)}</span>`;
  const replyAction =
    chat.kind !== 'private' && incoming
      ? '<button type="button" class="reply-action" title="Reply">↩</button>'
      : '';
  const text = renderEntities(message.text, message.entities, freshFrom === undefined ? {} : { freshFrom });
  return `<div class="bubble">${sender}${reply}${pictureHtml(chat, message)}<div class="text">${text}${meta}</div>${replyAction}</div>${keyboardHtml(message.replyMarkup)}`;
}

function draftHtml(chat, draft, freshFrom, botName) {
  const sender = chat.kind !== 'private' ? `<div class="sender">${escapeHtml(botName)}</div>` : '';
  const body =
    draft.text === ''
      ? '<span class="thinking">Thinking</span>'
      : renderEntities(draft.text, draft.entities, freshFrom === undefined ? {} : { freshFrom });
  const stop =
    draft.canStop && !draft.stopped
      ? '<button type="button" class="draft-stop" title="Stop generating" aria-label="Stop generating"></button>'
      : '';
  return `<div class="bubble">${sender}<div class="text">${body}</div>${stop}</div>`;
}

const EMPTY = {
  private:
    'This is a private chat with the bot. Type a message: the answer streams in as a draft. Try “show the formatting”, “write something long” or /model.',
  group:
    'A group: the bot answers only when mentioned or replied to, and streams by editing its message. Keep “mention the bot” ticked, or reply to one of its messages.',
};

/**
 * Brings the message list in line with the chat, touching only what changed, so streaming edits
 * and draft frames update in place (and only their new text is animated).
 */
export function renderMessages(container, state, chat) {
  // Follow the conversation while the reader is at the end; leave them alone when they scrolled up.
  let nearBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  if (container.dataset.chatId !== String(chat.id)) {
    container.replaceChildren();
    container.dataset.chatId = String(chat.id);
    nearBottom = true;
  }
  const messages = orderedMessages(chat);
  const drafts = [...chat.drafts.values()];
  if (messages.length === 0 && drafts.length === 0) {
    container.innerHTML = `<div class="empty">${escapeHtml(EMPTY[chat.kind])}</div>`;
    return;
  }
  container.querySelector('.empty')?.remove();

  const existing = new Map(
    [...container.querySelectorAll('.msg:not(.draft)')].map((el) => [el.dataset.id, el]),
  );
  let previous = null;
  for (const message of messages) {
    const id = String(message.messageId);
    let element = existing.get(id);
    existing.delete(id);
    const signature = `${message.editCount}|${message.text.length}|${message.text}|${JSON.stringify(message.entities)}|${JSON.stringify(message.replyMarkup ?? null)}`;
    if (element === undefined) {
      element = document.createElement('div');
      element.dataset.id = id;
    }
    if (element.dataset.signature !== signature) {
      const before = element.dataset.text;
      const freshFrom = before === undefined ? undefined : commonPrefixLength(before, message.text);
      element.className = `msg ${message.from === 'bot' ? 'in' : 'out'}${message.replyMarkup ? ' has-keyboard' : ''}`;
      element.innerHTML = messageHtml(chat, message, freshFrom);
      element.dataset.signature = signature;
      element.dataset.text = message.text;
    }
    const expected = previous === null ? container.firstElementChild : previous.nextElementSibling;
    if (expected !== element) container.insertBefore(element, expected);
    previous = element;
  }
  for (const stale of existing.values()) stale.remove();

  const draftElements = new Map(
    [...container.querySelectorAll('.msg.draft')].map((el) => [el.dataset.key, el]),
  );
  for (const draft of drafts) {
    const key = String(draft.threadId ?? 0);
    let element = draftElements.get(key);
    draftElements.delete(key);
    if (element === undefined) {
      element = document.createElement('div');
      element.dataset.key = key;
    }
    const signature = `${draft.draftId}|${draft.text}|${draft.stopped}|${JSON.stringify(draft.entities)}`;
    if (element.dataset.signature !== signature) {
      const sameDraft = element.dataset.draftId === String(draft.draftId);
      const freshFrom = sameDraft ? commonPrefixLength(element.dataset.text ?? '', draft.text) : 0;
      element.className = `msg in draft${draft.stopped ? ' stopped' : ''}`;
      element.dataset.draftId = String(draft.draftId);
      element.innerHTML = draftHtml(chat, draft, freshFrom, state.bot.name);
      element.dataset.signature = signature;
      element.dataset.text = draft.text;
    }
    container.appendChild(element);
  }
  for (const stale of draftElements.values()) stale.remove();
  if (nearBottom) container.scrollTop = container.scrollHeight;
}

export function renderCommandMenu(menu, commands, filter, selected) {
  const shown = commands.filter((c) => `/${c.command}`.startsWith(filter));
  menu.innerHTML = shown
    .map(
      (c, i) =>
        `<button type="button" data-command="/${escapeHtml(c.command)}"${i === selected ? ' class="selected"' : ''}><span class="cmd">/${escapeHtml(c.command)}</span><span class="desc">${escapeHtml(c.description)}</span></button>`,
    )
    .join('');
  return shown.length;
}
