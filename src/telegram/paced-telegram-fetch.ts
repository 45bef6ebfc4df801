import { createNodeHttpFetch } from '../providers/node-http-fetch.js';
import { createPacedFetch } from '../streaming/delivery/paced-fetch.js';
import { systemTimers } from '../streaming/delivery/system-timers.js';
import { createWritePacer, type WritePacerOptions } from '../streaming/delivery/write-pacer.js';

/**
 * The one `fetch` every Bot API client of the process uses (bot.api and the engine's), so a single
 * pacer sees every call. JSON calls go over node:http, whose request is written in the same step as
 * the pacer's check (undici would queue the write for a later loop round); multipart uploads (a
 * stream body grammY builds) go over Node's fetch, still paced.
 */
export function createPacedTelegramFetch(options: Partial<WritePacerOptions> = {}): typeof fetch {
  const overHttp = createNodeHttpFetch();
  const base: typeof fetch = (input, init) =>
    init?.body === undefined || typeof init.body === 'string'
      ? overHttp(input, init)
      : fetch(input, { ...init, duplex: 'half' } as RequestInit);
  return createPacedFetch({ pacer: createWritePacer(options), base, timers: systemTimers });
}
