import type { Context } from 'grammy';
import type { Logger } from '../logger.js';

/** grammY's context plus a child logger that carries this update's ids. */
export type BotContext = Context & { log: Logger };
