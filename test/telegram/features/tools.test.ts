import { afterEach, describe, expect, it } from 'vitest';
import { sendAndWaitReply, startWorld, type TestWorld } from './support.js';

let world: TestWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('/tools', () => {
  it('lists the built-in tools the model may call', async () => {
    world = await startWorld();
    const user = world.telegram.createUser({ firstName: 'Ada' });
    const reply = await sendAndWaitReply(world.telegram, { chat: user.id, text: '/tools' });
    expect(reply.text).toMatch(/up to 5 rounds per answer/);
    expect(reply.text).toContain('Built in:\n• current_time — The current date, time and weekday in UTC.');
    expect(reply.text).toContain('• calculator — Evaluates an arithmetic expression');
  });

  it('says so when no tool is enabled', async () => {
    world = await startWorld({ BUILTIN_TOOLS: 'none' });
    const user = world.telegram.createUser({ firstName: 'Bo' });
    const reply = await sendAndWaitReply(world.telegram, { chat: user.id, text: '/tools' });
    expect(reply.text).toBe('No tools are enabled: answers are written from the model alone.');
  });
});
