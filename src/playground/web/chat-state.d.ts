/** Types for the browser module chat-state.js (plain JS, served as is, tested from TypeScript). */
// The state is JSON from the server, shaped by playground-events.ts; the page reads it loosely.
// biome-ignore lint/suspicious/noExplicitAny: mirrors untyped browser JavaScript
type Loose = any;

export declare function createChatState(snapshot: Loose): Loose;
export declare function applyEvent(
  state: Loose,
  event: Loose,
): { what: string; chatId?: number; toast?: { text: string; alert: boolean } };
export declare function orderedMessages(chat: Loose): Loose[];
export declare function chatStatus(chat: Loose, now: number): { text: string; active: boolean };
