import type { TestProject } from 'vitest/node';
import { findPostgresBinaries, startPostgresServer } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared test server's admin URL without a database name, or undefined when there is none. */
    postgresUrl: string | undefined;
    /** Why there is no server, for the skip message. */
    postgresMissing: string | undefined;
  }
}

/**
 * One PostgreSQL server for the whole test run (each test file makes its own database on it).
 * Without the binaries the PostgreSQL tests are skipped, unless STREAMGRAM_REQUIRE_POSTGRES=1 (CI).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binaries = findPostgresBinaries();
  if (binaries === undefined) {
    const reason =
      'PostgreSQL server binaries not found (apt-get install postgresql): PostgreSQL tests skipped';
    if (process.env.STREAMGRAM_REQUIRE_POSTGRES === '1')
      throw new Error(`${reason}, but STREAMGRAM_REQUIRE_POSTGRES=1`);
    console.warn(reason);
    project.provide('postgresUrl', undefined);
    project.provide('postgresMissing', reason);
    return async () => undefined;
  }
  const server = await startPostgresServer(binaries);
  project.provide('postgresUrl', server.url(''));
  project.provide('postgresMissing', undefined);
  return () => server.destroy();
}
