import { describe, expect, it } from 'vitest';
import { StorageError, storageCall } from '../../../src/storage/errors.js';
import {
  classifyPostgresError,
  postgresFailureKind,
} from '../../../src/storage/postgres/classify-postgres-error.js';

/** What node-postgres throws for an error the server reported: a code (SQLSTATE) and a severity. */
function serverError(code: string, message = 'server said no'): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

describe('classifying PostgreSQL failures', () => {
  it.each([
    ['53100', 'disk-full'],
    ['25006', 'read-only'],
    ['57P01', 'unavailable'],
    ['08006', 'unavailable'],
    ['53300', 'unavailable'],
    ['40P01', 'busy'],
    ['23505', 'constraint'],
    ['23514', 'constraint'],
    ['22P02', 'constraint'],
    ['XX001', 'corrupt'],
    ['58030', 'io'],
    ['42P01', 'other'],
  ])('SQLSTATE %s is %s', (code, kind) => {
    expect(postgresFailureKind(code)).toBe(kind);
    expect(classifyPostgresError(serverError(code))).toMatchObject({ kind, code });
  });

  it('treats a refused or dropped connection as the database being unavailable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(classifyPostgresError(refused)).toMatchObject({ kind: 'unavailable', code: 'ECONNREFUSED' });
    expect(classifyPostgresError(new Error('Connection terminated unexpectedly'))).toMatchObject({
      kind: 'unavailable',
    });
    expect(classifyPostgresError(new Error('timeout exceeded when trying to connect'))).toMatchObject({
      kind: 'unavailable',
    });
    expect(classifyPostgresError(new Error('Query read timeout'))).toMatchObject({ kind: 'unavailable' });
  });

  it('leaves our own bugs alone', () => {
    expect(classifyPostgresError(new TypeError('x is undefined'))).toBeUndefined();
    expect(classifyPostgresError('not an error')).toBeUndefined();
  });

  it('names the repository operation that failed, keeping the driver’s detail', async () => {
    const error = await storageCall('chats.upsert', async () => {
      throw classifyPostgresError(serverError('53100', 'could not extend file: No space left on device'));
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ kind: 'disk-full', operation: 'chats.upsert', code: '53100' });
    expect((error as Error).message).toBe(
      'chats.upsert failed (disk-full, 53100): could not extend file: No space left on device',
    );
  });
});
