/**
 * PostgreSQL advisory lock keys of the inbox, in the two-int4 form: a namespace of ours, then the
 * chat id folded into 32 bits. A collision only means that one instance owns both chats.
 */
export const CHAT_LOCK_NAMESPACE = 0x5347_4331; // "SGC1"
export const LEADER_LOCK_NAMESPACE = 0x5347_4c31; // "SGL1"
export const LEADER_LOCK_KEY = 0;
/** Held by the one instance that looks for chats nobody owns (see chat-owner.ts). */
export const SWEEPER_LOCK_KEY = 1;

/** Telegram chat ids pass 2^31 (supergroups are -100xxxxxxxxxx): fold the high bits into the low. */
export function chatLockKey(chatId: number): number {
  const id = BigInt(chatId);
  return Number(BigInt.asIntN(32, (id ^ (id >> 32n)) & 0xffff_ffffn));
}
