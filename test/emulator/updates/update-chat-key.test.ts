import { describe, expect, it } from 'vitest';
import { updateChatKey } from '../../../src/emulator/updates/update-chat-key.js';

describe('updateChatKey', () => {
  it('finds the chat of messages, edits, callbacks, member and stop updates', () => {
    const chat = { id: -100 };
    expect(updateChatKey({ update_id: 1, message: { chat } })).toBe('chat:-100');
    expect(updateChatKey({ update_id: 2, edited_message: { chat } })).toBe('chat:-100');
    expect(updateChatKey({ update_id: 3, callback_query: { id: 'q', message: { chat } } })).toBe('chat:-100');
    expect(updateChatKey({ update_id: 4, my_chat_member: { chat } })).toBe('chat:-100');
    expect(updateChatKey({ update_id: 5, stopped_message_generation: { chat } })).toBe('chat:-100');
  });

  it('gives updates without a chat a key of their own', () => {
    expect(updateChatKey({ update_id: 7, inline_query: { id: 'i', from: { id: 5 } } })).toBe('update:7');
    expect(updateChatKey({ update_id: 8, callback_query: { id: 'q', inline_message_id: 'x' } })).toBe(
      'update:8',
    );
  });
});
