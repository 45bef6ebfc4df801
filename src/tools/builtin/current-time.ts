import type { Tool } from '../types.js';

/** The current date and time in the bot's TIME_ZONE: models do not know what day it is. */
export function createCurrentTimeTool(deps: { timeZone: string; now?: () => number }): Tool {
  const now = deps.now ?? Date.now;
  return {
    source: 'builtin',
    definition: {
      name: 'current_time',
      description: `The current date, time and weekday in ${deps.timeZone}.`,
      inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    },
    async run() {
      const date = new Date(now());
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: deps.timeZone,
        dateStyle: 'full',
        timeStyle: 'long',
      }).format(date);
      return { text: `${local} (time zone ${deps.timeZone}; UTC ${date.toISOString()})` };
    },
  };
}
