import { Redis } from 'ioredis';

/**
 * A Redis connection for the rate budget: a command fails at once while Redis is away (no offline
 * queue, no retries per request), because a write waiting on Redis would stall every answer, and the
 * failover budget has a local answer ready. Reconnection goes on in the background.
 * Resolves once connected or once the first attempt failed. Connection errors only go to `onError`:
 * the failover budget logs the loss once, not each retry.
 */
export async function connectRedis(
  url: string,
  /** Told of every connection error ("connect ECONNREFUSED ..."), to say what is wrong when asked. */
  onError: (error: Error) => void = () => {},
): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    // A Redis that stops answering without closing the connection (a paused server, a black-holed
    // network) must not stall every write: the claim fails and the failover budget goes local.
    // Not much shorter: a busy event loop reads answers late, and each false alarm costs a pause.
    commandTimeout: 2000,
    // Reconnect soon after Redis is back: instances that rejoin close together overlap less (see the failover budget).
    retryStrategy: (attempt) => Math.min(100 * attempt, 500),
  });
  redis.on('error', onError);
  // Waiting for the first connection lets a healthy start begin on the shared budget; a failed one
  // starts on the local share and reconnects in the background.
  await redis.connect().catch(() => {});
  return redis;
}
