/**
 * Node flags the bot runs with in production (`npm start`, NODE_OPTIONS in the Dockerfile): the
 * benchmark and the soak measure the bot as it is deployed. Without a heap limit V8 sizes its
 * heap from the machine's memory and lets garbage pile up (peak heap 150-210 MB at 500 answers
 * for about 75 MB live); with 512 MB it collects earlier at no measurable CPU cost.
 */
export const BOT_NODE_FLAGS: readonly string[] = ['--max-old-space-size=512'];
