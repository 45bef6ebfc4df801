import { storageCall } from './errors.js';
import type { SqlExecutor } from './sql.js';

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
  upsert(profile: UserProfile): Promise<UserRecord>;
  get(id: number): Promise<UserRecord | undefined>;
  /** Case-insensitive, `@` optional; the most recently seen user when a username changed hands. */
  findByUsername(username: string): Promise<UserRecord | undefined>;
}

interface UserRow {
  id: number;
  username: string | null;
  first_name: string | null;
  created_at: number;
  updated_at: number;
}

export function createUserRepository(sql: SqlExecutor, options: { now?: () => number } = {}): UserRepository {
  const now = options.now ?? Date.now;
  // SQLite's username column compares without case; a change of case is still a change to store.
  const changedName =
    sql.dialect === 'sqlite'
      ? 'users.username IS DISTINCT FROM excluded.username COLLATE BINARY'
      : 'users.username IS DISTINCT FROM excluded.username';
  const upsert = `INSERT INTO users (id, username, first_name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (id) DO UPDATE SET username = excluded.username, first_name = excluded.first_name,
       updated_at = CASE WHEN users.updated_at > excluded.updated_at THEN users.updated_at ELSE excluded.updated_at END
     WHERE ${changedName} OR users.first_name IS DISTINCT FROM excluded.first_name`;
  const get = 'SELECT * FROM users WHERE id = $1';
  const byUsername =
    'SELECT * FROM users WHERE lower(username) = lower($1) ORDER BY updated_at DESC, id DESC LIMIT 1';

  return {
    upsert(profile) {
      return storageCall('users.upsert', async () => {
        await sql.run(upsert, [
          profile.id,
          normalizeUsername(profile.username),
          profile.firstName ?? null,
          now(),
        ]);
        return toUser((await sql.get<UserRow>(get, [profile.id]))!);
      });
    },
    get(id) {
      return storageCall('users.get', async () => {
        const row = await sql.get<UserRow>(get, [id]);
        return row && toUser(row);
      });
    },
    async findByUsername(username) {
      const name = normalizeUsername(username);
      if (name === null) return undefined;
      return storageCall('users.findByUsername', async () => {
        const row = await sql.get<UserRow>(byUsername, [name]);
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
