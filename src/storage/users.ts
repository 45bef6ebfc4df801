import type { Database } from 'better-sqlite3';
import { withStorageErrors } from './errors.js';

export interface UserRecord {
  /** Telegram user id. */
  id: number;
  /** Without the leading `@`; null when the user has none. */
  username: string | null;
  firstName: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface UserProfile {
  id: number;
  /** With or without `@`; omitted or null when the user has no username. */
  username?: string | null;
  firstName?: string | null;
}

export interface UserRepository {
  /**
   * Creates the user or replaces its profile with what Telegram sent now (an omitted username means
   * the user has none). Writes nothing when the profile is unchanged.
   */
  upsert(profile: UserProfile): UserRecord;
  get(id: number): UserRecord | undefined;
  /** Case-insensitive, `@` optional; the most recently seen user when a username changed hands. */
  findByUsername(username: string): UserRecord | undefined;
}

interface UserRow {
  id: number;
  username: string | null;
  first_name: string | null;
  created_at: number;
  updated_at: number;
}

export function createUserRepository(db: Database, options: { now?: () => number } = {}): UserRepository {
  const now = options.now ?? Date.now;
  const upsert = db.prepare<{ id: number; username: string | null; firstName: string | null; at: number }>(
    `INSERT INTO users (id, username, first_name, created_at, updated_at) VALUES (@id, @username, @firstName, @at, @at)
     ON CONFLICT (id) DO UPDATE SET username = excluded.username, first_name = excluded.first_name,
       updated_at = max(updated_at, excluded.updated_at)
     WHERE username IS NOT excluded.username COLLATE BINARY OR first_name IS NOT excluded.first_name`,
  );
  const get = db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?');
  const byUsername = db.prepare<[string], UserRow>(
    'SELECT * FROM users WHERE username = ? ORDER BY updated_at DESC, id DESC LIMIT 1',
  );

  return {
    upsert(profile) {
      return withStorageErrors('users.upsert', () => {
        upsert.run({
          id: profile.id,
          username: normalizeUsername(profile.username),
          firstName: profile.firstName ?? null,
          at: now(),
        });
        return toUser(get.get(profile.id)!);
      });
    },
    get(id) {
      return withStorageErrors('users.get', () => {
        const row = get.get(id);
        return row && toUser(row);
      });
    },
    findByUsername(username) {
      const name = normalizeUsername(username);
      if (name === null) return undefined;
      return withStorageErrors('users.findByUsername', () => {
        const row = byUsername.get(name);
        return row && toUser(row);
      });
    },
  };
}

function normalizeUsername(username: string | null | undefined): string | null {
  const name = username?.trim().replace(/^@/, '');
  return name ? name : null;
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    firstName: row.first_name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
