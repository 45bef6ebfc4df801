import { describe, expect, it } from 'vitest';
import { startStreamgram, TEST_SECRETS } from './start-streamgram.js';

describe('startStreamgram', () => {
  it('fails the test when a secret shows up in the logs', async () => {
    const world = await startStreamgram({ emulator: { limits: 'none' } });
    world.logs.push(`{"msg":"oops ${TEST_SECRETS.anthropicKey}"}`);
    await expect(world.stop()).rejects.toThrow('secrets leaked into: logs');
  });
});
