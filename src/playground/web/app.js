/** The playground page: connects to the event stream, keeps the state, wires the views and controls. */
import { applyEvent, createChatState } from './chat-state.js';
import { renderChatList, renderCommandMenu, renderHeader, renderMessages } from './chat-view.js';
import {
  renderAnswers,
  renderBotLog,
  renderCallLog,
  renderCharts,
  renderFaults,
  renderLimits,
} from './panel.js';
import { escapeHtml } from './render-entities.js';

const $ = (id) => document.getElementById(id);
const el = {
  chatList: $('chat-list'),
  modelNote: $('model-note'),
  header: { avatar: $('chat-avatar'), name: $('chat-name'), status: $('chat-status') },
  connection: $('connection'),
  messages: $('messages'),
  toast: $('toast'),
  replyBar: $('reply-bar'),
  replyName: $('reply-name'),
  replyPreview: $('reply-preview'),
  replyCancel: $('reply-cancel'),
  groupHint: $('group-hint'),
  autoMention: $('auto-mention'),
  commandMenu: $('command-menu'),
  form: $('composer-form'),
  menuButton: $('menu-button'),
  input: $('input'),
  attachButton: $('attach-button'),
  attachInput: $('attach-input'),
  limits: $('limits'),
  faults: $('faults'),
  faultStatus: $('fault-status'),
  charts: $('charts'),
  answers: $('answers'),
  callLog: $('call-log'),
  botLog: $('bot-log'),
};

let state = null;
let currentChatId = null;
let replyTo = null;
const unread = new Map();
const dirty = new Set();
let frameRequested = false;
let menu = { open: false, selected: 0, count: 0, filter: '/' };

const now = () => Date.now() + (state?.clockOffset ?? 0);
const currentChat = () => state?.chats.get(currentChatId);
const chatCommands = () => state?.commands[String(currentChatId)] ?? [];

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const result = await response.json().catch(() => ({ ok: false, error: `HTTP ${response.status}` }));
  if (!response.ok || result.ok === false) throw new Error(result.error ?? `HTTP ${response.status}`);
  return result;
}

let toastTimer;
function toast(text, alert = false) {
  el.toast.textContent = text;
  el.toast.classList.toggle('alert', alert);
  el.toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(
    () => {
      el.toast.hidden = true;
    },
    alert ? 5000 : 2500,
  );
}

function schedule(...what) {
  for (const item of what) dirty.add(item);
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(render);
}

function render() {
  frameRequested = false;
  if (state === null) return;
  const chat = currentChat();
  if (dirty.has('all') || dirty.has('list')) renderChatList(el.chatList, state, currentChatId, unread);
  if (chat !== undefined && (dirty.has('all') || dirty.has('messages')))
    renderMessages(el.messages, state, chat);
  if (chat !== undefined && (dirty.has('all') || dirty.has('header'))) renderHeader(el.header, state, chat);
  if (dirty.has('all') || dirty.has('chrome')) renderChrome();
  if (dirty.has('all') || dirty.has('limits')) renderLimits(el.limits, state);
  if (dirty.has('all') || dirty.has('answers')) renderAnswers(el.answers, state, currentChatId);
  if (dirty.has('all') || dirty.has('calls')) renderCallLog(el.callLog, state);
  if (dirty.has('all') || dirty.has('logs')) renderBotLog(el.botLog, state);
  if (dirty.has('all') || dirty.has('faults')) renderFaults(el.faults, el.faultStatus, state, now());
  dirty.clear();
}

/** The parts that depend on the chat kind and the bot's commands. */
function renderChrome() {
  const chat = currentChat();
  el.groupHint.hidden = chat?.kind !== 'group';
  el.menuButton.hidden = chatCommands().length === 0;
  const demo = state.models.filter((m) => m.demo);
  const real = state.models.filter((m) => !m.demo);
  el.modelNote.innerHTML = `${
    real.length > 0
      ? `Models: <b>${real.map((m) => escapeHtml(m.id)).join(', ')}</b>, and the offline demo.`
      : '<b>Offline demo model</b>: canned answers streamed like a real model. Set MODELS and API keys for real ones.'
  } Switch with /model.<br>${demo.map((m) => escapeHtml(m.label)).join('<br>')}`;
  renderReplyBar();
}

function renderReplyBar() {
  const chat = currentChat();
  const message = replyTo === null ? undefined : chat?.messages.get(replyTo);
  el.replyBar.hidden = message === undefined;
  if (message !== undefined) {
    el.replyName.textContent = message.senderName;
    el.replyPreview.textContent = message.text.slice(0, 120);
  }
}

function onEvent(event) {
  if (event.type === 'snapshot') {
    state = createChatState(event.state);
    state.clockOffset = event.state.now - Date.now();
    if (currentChatId === null || !state.chats.has(currentChatId)) currentChatId = [...state.chats.keys()][0];
    el.messages.dataset.chatId = '';
    schedule('all');
    return;
  }
  if (state === null) return;
  const change = applyEvent(state, event);
  switch (change.what) {
    case 'messages':
    case 'draft':
    case 'action':
      if (change.chatId === currentChatId) schedule('messages', 'header');
      else if (change.what === 'messages' && event.event.type === 'message' && event.event.from === 'bot') {
        unread.set(change.chatId, (unread.get(change.chatId) ?? 0) + 1);
      }
      schedule('list');
      break;
    case 'toast':
      if (change.chatId === currentChatId) toast(change.toast.text, change.toast.alert);
      break;
    case 'commands':
      schedule('chrome');
      break;
    case 'nothing':
      break;
    default:
      schedule(change.what);
  }
}

function connect() {
  const source = new EventSource('/api/events');
  source.onopen = () => {
    el.connection.textContent = 'live';
    el.connection.className = 'connection live';
  };
  source.onerror = () => {
    el.connection.textContent = 'reconnecting…';
    el.connection.className = 'connection down';
  };
  source.onmessage = (message) => onEvent(JSON.parse(message.data));
}

function selectChat(chatId) {
  if (currentChatId === chatId) return;
  currentChatId = chatId;
  unread.delete(chatId);
  replyTo = null;
  el.messages.dataset.chatId = '';
  closeMenu();
  schedule('all');
}

async function send(text) {
  const chat = currentChat();
  if (chat === undefined) return;
  let outgoing = text.trim();
  if (outgoing === '') return;
  const mention = `@${state.bot.username}`;
  if (
    chat.kind === 'group' &&
    el.autoMention.checked &&
    replyTo === null &&
    !outgoing.startsWith('/') &&
    !outgoing.toLowerCase().includes(mention.toLowerCase())
  ) {
    outgoing = `${mention} ${outgoing}`;
  }
  // Commands in groups are addressed to this bot explicitly, as Telegram's menu does.
  if (
    chat.kind === 'group' &&
    /^\/\w+$/.test(outgoing.split(/\s/)[0]) &&
    !outgoing.split(/\s/)[0].includes('@')
  ) {
    outgoing = outgoing.replace(/^(\/\w+)/, `$1${mention}`);
  }
  const body = { chatId: chat.id, text: outgoing };
  if (replyTo !== null) body.replyToMessageId = replyTo;
  replyTo = null;
  renderReplyBar();
  // Sending jumps to the end, as Telegram does: the answer will appear there.
  el.messages.scrollTop = el.messages.scrollHeight;
  try {
    await post('/api/send', body);
  } catch (error) {
    toast(error.message, true);
  }
}

/** Bytes as base64 without building one huge string of char codes. */
async function toBase64(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** A picture's size, so the emulator can offer it as a photo (Telegram's PhotoSize has one). */
async function imageSize(file) {
  if (!/^image\/(jpeg|png|webp|gif)$/.test(file.type)) return {};
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return {};
  }
}

/**
 * Sends a picture or file; the text typed so far becomes its caption. Several pictures at once go as
 * an album (one `media_group_id`, the caption on the first), as Telegram's apps send them.
 */
async function sendFiles(list) {
  const chat = currentChat();
  const files = [...(list ?? [])];
  if (chat === undefined || files.length === 0) return;
  if (files.some((file) => file.size > 10 * 1024 * 1024))
    return toast('The playground takes files up to 10 MB.', true);
  const pictures = files.filter((file) => /^image\/(jpeg|png|webp|gif)$/.test(file.type));
  const album = files.length > 1 && pictures.length === files.length && files.length <= 10;
  const chosen = album ? files : files.slice(0, 1);
  if (files.length > 1 && !album)
    toast('Only the first file was sent: an album takes 2 to 10 pictures.', true);
  let caption = el.input.value.trim();
  const mention = `@${state.bot.username}`;
  if (
    chat.kind === 'group' &&
    el.autoMention.checked &&
    !caption.toLowerCase().includes(mention.toLowerCase())
  ) {
    caption = `${mention} ${caption}`.trim();
  }
  el.input.value = '';
  autosize();
  const mediaGroupId = album ? `album-${Date.now()}` : undefined;
  try {
    for (const [index, file] of chosen.entries()) {
      await post('/api/send-file', {
        chatId: chat.id,
        fileName: file.name || 'file',
        mimeType: file.type || 'application/octet-stream',
        dataBase64: await toBase64(file),
        ...(caption === '' || index > 0 ? {} : { caption }),
        ...(mediaGroupId === undefined ? {} : { mediaGroupId }),
        ...(await imageSize(file)),
      });
    }
  } catch (error) {
    toast(error.message, true);
  }
}

el.attachButton.addEventListener('click', () => el.attachInput.click());
el.attachInput.addEventListener('change', () => {
  void sendFiles(el.attachInput.files);
  el.attachInput.value = '';
});
for (const target of [el.messages, el.form]) {
  target.addEventListener('dragover', (event) => {
    event.preventDefault();
    target.classList.add('drop-target');
  });
  target.addEventListener('dragleave', () => target.classList.remove('drop-target'));
  target.addEventListener('drop', (event) => {
    event.preventDefault();
    target.classList.remove('drop-target');
    void sendFiles(event.dataTransfer?.files);
  });
}

function closeMenu() {
  menu.open = false;
  el.commandMenu.hidden = true;
}

function openMenu(filter) {
  if (state === null || chatCommands().length === 0) return closeMenu();
  menu = { ...menu, open: true, filter, selected: Math.min(menu.selected, 50) };
  menu.count = renderCommandMenu(el.commandMenu, chatCommands(), filter, menu.selected);
  el.commandMenu.hidden = menu.count === 0;
  if (menu.count === 0) menu.open = false;
}

function autosize() {
  el.input.style.height = 'auto';
  el.input.style.height = `${Math.min(160, el.input.scrollHeight)}px`;
}

el.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = el.input.value;
  el.input.value = '';
  autosize();
  closeMenu();
  void send(text);
});

el.input.addEventListener('input', () => {
  autosize();
  const value = el.input.value;
  if (/^\/\w*$/.test(value)) {
    menu.selected = 0;
    openMenu(value);
  } else closeMenu();
});

el.input.addEventListener('keydown', (event) => {
  if (menu.open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
    event.preventDefault();
    menu.selected = (menu.selected + (event.key === 'ArrowDown' ? 1 : menu.count - 1)) % menu.count;
    openMenu(menu.filter);
    return;
  }
  if (menu.open && (event.key === 'Tab' || (event.key === 'Enter' && !event.shiftKey))) {
    const chosen = el.commandMenu.querySelectorAll('button')[menu.selected];
    if (chosen !== undefined) {
      event.preventDefault();
      el.input.value = '';
      closeMenu();
      void send(chosen.dataset.command);
      return;
    }
  }
  if (event.key === 'Escape') closeMenu();
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    el.form.requestSubmit();
  }
});

el.menuButton.addEventListener('click', () => {
  if (menu.open) closeMenu();
  else {
    menu.selected = -1;
    openMenu('/');
  }
});

el.commandMenu.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-command]');
  if (button === null) return;
  closeMenu();
  el.input.value = '';
  void send(button.dataset.command);
});

el.chatList.addEventListener('click', (event) => {
  const item = event.target.closest('li[data-chat-id]');
  if (item !== null) selectChat(Number(item.dataset.chatId));
});

el.replyCancel.addEventListener('click', () => {
  replyTo = null;
  renderReplyBar();
});

// A file that is not a picture has no preview: the server answers 404 and the image goes away.
el.messages.addEventListener(
  'error',
  (event) => {
    if (event.target instanceof HTMLImageElement && event.target.classList.contains('picture'))
      event.target.remove();
  },
  true,
);
// A picture arriving after the message grew the list: keep following the conversation's end.
el.messages.addEventListener(
  'load',
  (event) => {
    const message = event.target instanceof HTMLImageElement ? event.target.closest('.msg') : null;
    if (message !== null && message.nextElementSibling?.nextElementSibling == null)
      el.messages.scrollTop = el.messages.scrollHeight;
  },
  true,
);

el.messages.addEventListener('click', (event) => {
  const target = event.target;
  const spoiler = target.closest('.tg-spoiler[data-spoiler="hidden"]');
  if (spoiler !== null) {
    spoiler.dataset.spoiler = 'revealed';
    return;
  }
  const quote = target.closest('.tg-expandable');
  if (quote !== null && target.closest('a') === null) {
    quote.dataset.expanded = quote.dataset.expanded === 'true' ? 'false' : 'true';
    return;
  }
  const command = target.closest('.tg-command');
  if (command !== null) {
    void send(command.dataset.command);
    return;
  }
  const key = target.closest('.keyboard button[data-callback]');
  if (key !== null) {
    const messageId = Number(key.closest('.msg').dataset.id);
    key.classList.add('pressed');
    post('/api/press', { chatId: currentChatId, messageId, data: key.dataset.callback }).catch((error) =>
      toast(error.message, true),
    );
    return;
  }
  const stop = target.closest('.draft-stop');
  if (stop !== null) {
    const draftId = Number(stop.closest('.msg').dataset.draftId);
    stop.disabled = true;
    post('/api/stop-draft', { chatId: currentChatId, draftId }).catch((error) => toast(error.message, true));
    return;
  }
  const reply = target.closest('.reply-action');
  if (reply !== null) {
    replyTo = Number(reply.closest('.msg').dataset.id);
    renderReplyBar();
    el.input.focus();
  }
});

el.limits.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-preset]');
  if (button === null) return;
  post('/api/limits', { preset: button.dataset.preset }).catch((error) => toast(error.message, true));
});

el.faults.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-fault]');
  if (button === null) return;
  post('/api/fault', { kind: button.dataset.fault, chatId: currentChatId }).catch((error) =>
    toast(error.message, true),
  );
});

document.addEventListener('click', (event) => {
  if (menu.open && !event.target.closest('#command-menu, #menu-button, #input')) closeMenu();
});

// Time moves even when nothing happens: the strips scroll, typing ends, holds and storms count down.
setInterval(() => {
  if (state === null) return;
  renderCharts(el.charts, state, now());
  schedule('header', 'faults');
}, 250);

connect();
el.input.focus();
