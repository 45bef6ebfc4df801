import { describe, expect, it } from 'vitest';
import { hasPostgres, postgresSkipReason } from '../support/postgres-test-store.js';
import { type InstancesWorld, useInstances } from '../support/start-instances.js';

const start = useInstances();

const sweepers = (w: InstancesWorld) => w.instances.filter((i) => !i.stopped && i.app.inbox?.isSweeper());

describe.skipIf(!hasPostgres)(
  `durable inbox: one sweeper ${hasPostgres ? '' : `(${postgresSkipReason})`}`,
  () => {
    it('exactly one instance looks for unowned chats; when it stops, another does within a few seconds', async () => {
      const w = await start('inbox_sweeper', { count: 3, mode: 'webhook' });
      let overlaps = 0;
      const watch = setInterval(() => {
        if (sweepers(w).length > 1) overlaps++;
      }, 20);
      try {
        const first = await w.telegram.waitFor(
          () => (sweepers(w).length === 1 ? sweepers(w)[0] : undefined),
          {
            timeoutMs: 10_000,
          },
        );
        await w.stopInstance(first);
        const second = await w.telegram.waitFor(
          () => (sweepers(w).length === 1 ? sweepers(w)[0] : undefined),
          { timeoutMs: 10_000 },
        );
        expect(second).not.toBe(first);
        expect(overlaps).toBe(0);
        // Several instances are told apart on /metrics, with Redis or without.
        const metrics = await (await fetch(`${second.url}/metrics`)).text();
        expect(metrics).toContain(`instance="${second.config.instanceId}"`);
      } finally {
        clearInterval(watch);
      }
    }, 60_000);
  },
);
