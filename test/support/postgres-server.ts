import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** A throwaway PostgreSQL server on 127.0.0.1, its files in a temp folder. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/` + the database name. */
  url(database: string): string;
  /** A new empty database with a unique name; returns its URL. */
  createDatabase(prefix?: string): Promise<string>;
  /** Stops the server, keeping its files (an outage), and `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its files. */
  destroy(): Promise<void>;
}

/** Debian's server binaries (`postgresql` package), newest version first; undefined when absent. */
export function findPostgresBinaries(): string | undefined {
  // STREAMGRAM_PG_BIN names another folder (or a missing one, to try the tests without a server).
  const fromEnv = process.env.STREAMGRAM_PG_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/**
 * Starts a server with initdb and pg_ctl. PostgreSQL refuses to run as root, so as root the folder
 * belongs to the `postgres` user and the binaries run through `runuser`. Durability is off (fsync):
 * the data lives only as long as the test run.
 */
export async function startPostgresServer(binaries = findPostgresBinaries()): Promise<PostgresServer> {
  if (binaries === undefined)
    throw new Error('PostgreSQL server binaries not found (apt-get install postgresql)');
  const folder = mkdtempSync(join(tmpdir(), 'streamgram-pg-'));
  const data = join(folder, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) chownSync(folder, uidOf('postgres'), gidOf('postgres'));
  const pgRun = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(binaries, tool), ...args], { cwd: folder })
      : run(join(binaries, tool), args, { cwd: folder });
  const port = await freePort();
  const options = [
    '-c listen_addresses=127.0.0.1',
    `-p ${port}`,
    `-k ${folder}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
  const start = () =>
    pgRun('pg_ctl', ['-D', data, '-o', options, '-l', join(folder, 'server.log'), '-w', 'start']);
  const stop = () => pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  try {
    await pgRun('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--locale=C',
    ]);
    await start();
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let counter = 0;
  let running = true;
  return {
    url,
    async createDatabase(prefix = 'test') {
      counter += 1;
      const name = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${counter}`;
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async stop() {
      if (!running) return;
      await stop();
      running = false;
    },
    async start() {
      if (running) return;
      await start();
      running = true;
    },
    async destroy() {
      try {
        if (running) await stop();
      } finally {
        running = false;
        rmSync(folder, { recursive: true, force: true });
      }
    },
  };
}

function uidOf(user: string): number {
  return idOf(user, 2);
}

function gidOf(user: string): number {
  return idOf(user, 3);
}

function idOf(user: string, field: number): number {
  // /etc/passwd: name:x:uid:gid:...
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${user}:`));
  if (!line) throw new Error(`no ${user} system user to run PostgreSQL as`);
  return Number(line.split(':')[field]);
}
