import type { AccessList } from '../config.js';

export function isListed(list: AccessList, user: { id: number; username?: string | undefined }): boolean {
  if (list.everyone || list.userIds.has(user.id)) return true;
  return user.username !== undefined && list.usernames.has(user.username.toLowerCase());
}
