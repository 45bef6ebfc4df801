import { describe, expect, it } from 'vitest';
import { preText, sendAndWaitReply, useTestWorld, waitForAnswers } from './support.js';

const start = useTestWorld();

describe('/usage and /stats', () => {
  it('/usage shows the asker’s own totals as the fake servers reported them, with cost where priced', async () => {
    const world = await start({ MODEL_PRICES: 'openai:gpt-test=2/0.5/8' });
    const { telegram, openai, anthropic } = world;
    const ada = telegram.createUser({ firstName: 'Ada' });
    const bob = telegram.createUser({ firstName: 'Bob' });

    openai.enqueue(
      {
        text: 'One.',
        usage: { inputTokens: 1200, cachedInputTokens: 200, outputTokens: 300, reasoningTokens: 100 },
      },
      { text: 'Two.', usage: { inputTokens: 2000, outputTokens: 50 } },
    );
    telegram.userSends({ chat: ada.id, text: 'first' });
    await waitForAnswers(world, 1);
    telegram.userSends({ chat: ada.id, text: 'second' });
    await waitForAnswers(world, 2);
    await sendAndWaitReply(telegram, { chat: ada.id, text: '/model claude-test' });
    anthropic.enqueue(
      { text: 'Three.', usage: { inputTokens: 1500, cacheWriteTokens: 500, outputTokens: 700 } },
      { text: 'Four.', usage: 'none' },
    );
    telegram.userSends({ chat: ada.id, text: 'third' });
    await waitForAnswers(world, 3);
    telegram.userSends({ chat: ada.id, text: 'fourth' });
    await waitForAnswers(world, 4);
    // Someone else's tokens are not Ada's.
    openai.enqueue({ text: 'Hi Bob.', usage: { inputTokens: 999_999, outputTokens: 1 } });
    telegram.userSends({ chat: bob.id, text: 'hello' });
    await waitForAnswers(world, 5);

    const report = await sendAndWaitReply(telegram, { chat: ada.id, text: '/usage' });
    const section = [
      'gpt-test       3,200     350  $0.0089',
      '  cached         200',
      '  reasoning              100',
      'claude-test    1,500     700        —',
      '  cache write    500',
      'total          4,700   1,050        —',
    ];
    expect(preText(report)).toBe(
      [
        '               input  output     cost',
        'Today',
        ...section,
        '',
        'This month',
        ...section,
        '',
        'All time',
        ...section,
      ].join('\n'),
    );
    expect(report.text).toMatch(/^Your token usage\n/);
    expect(report.entities[0]).toEqual({ type: 'bold', offset: 0, length: 'Your token usage'.length });
    expect(report.text).toContain('Days and months begin at 00:00 UTC.');
    expect(report.text).toContain('Costs are estimates from the configured prices.');
    expect(report.text).toContain('1 request(s) got no usage report from the provider');
    // Sent as text plus entities, never with a parse mode.
    const call = telegram
      .calls({ method: 'sendMessage' })
      .find((c) => String(c.params.text).startsWith('Your token'));
    expect(call?.params.parse_mode).toBeUndefined();

    const empty = await sendAndWaitReply(telegram, { chat: telegram.createUser().id, text: '/usage' });
    expect(empty.text).toBe('No usage yet: ask me something first.');
  });

  it('/stats gives admins everyone’s totals, top users and models; others are refused', async () => {
    const world = await start({ ADMIN_USERS: '@boss_user' });
    const { telegram, openai } = world;
    const boss = telegram.createUser({ firstName: 'Boss', username: 'boss_user' });
    const ada = telegram.createUser({ firstName: 'Ada', username: 'ada_l' });
    openai.enqueue(
      { text: 'a', usage: { inputTokens: 1000, outputTokens: 234 } },
      { text: 'b', usage: { inputTokens: 100, outputTokens: 20 } },
    );
    telegram.userSends({ chat: ada.id, text: 'q1' });
    await waitForAnswers(world, 1);
    telegram.userSends({ chat: boss.id, text: 'q2' });
    await waitForAnswers(world, 2);

    const refused = await sendAndWaitReply(telegram, { chat: ada.id, text: '/stats' });
    expect(refused.text).toBe('/stats is for the bot’s admins (ADMIN_USERS).');

    const stats = await sendAndWaitReply(telegram, { chat: boss.id, text: '/stats' });
    const blocks = stats.entities
      .filter((entity) => entity.type === 'pre')
      .map((entity) => stats.text?.slice(entity.offset, entity.offset + entity.length));
    expect(blocks[0]).toBe(
      [
        '            users  requests  tokens  cost',
        'Today           2         2   1,354     —',
        'This month      2         2   1,354     —',
        'All time        2         2   1,354     —',
      ].join('\n'),
    );
    expect(blocks[1]).toBe(
      [`1. @ada_l (${ada.id})      1,234  1 req`, `2. @boss_user (${boss.id})    120  1 req`].join('\n'),
    );
    expect(blocks[2]).toContain('gpt-test  1,100     254');
  });
});
