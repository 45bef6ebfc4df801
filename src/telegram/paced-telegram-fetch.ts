import { createNodeHttpFetch } from '../providers/node-http-fetch.js';
import { createPacedFetch } from '../streaming/delivery/paced-fetch.js';
import { systemTimers } from '../streaming/delivery/system-timers.js';
import {
  createWritePacer,
  DEFAULT_WRITE_PACER_OPTIONS,
  type WritePacerOptions,
} from '../streaming/delivery/write-pacer.js';

/** The bot-wide rate the pacer really lets out: `perSecond` calls per (1 s + margin), rounded down. */
export function gatePerSecond(perSecond: number, marginMs = DEFAULT_WRITE_PACER_OPTIONS.marginMs): number {
  return Math.max(1, Math.floor((perSecond * 1000) / (1000 + marginMs)));
}

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
