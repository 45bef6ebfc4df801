/**
 * One Lua script decides and records a write for every instance of the bot, atomically in Redis, so
 * two instances can never both take the last place in a window. Why a script and not Bottleneck's
 * Redis clustering: Bottleneck refills a reservoir, which lets up to twice the limit land inside one
 * sliding second; Telegram may count strictly, so the windows here are true sliding windows.
 *
 * The clock is Redis's own (`TIME`): instances on different machines disagree about the time, the
 * one Redis they share does not.
 *
 * A write is recorded in flight, at its claim time plus `leaseMs` (later than any settled entry), so
 * it keeps its place until SETTLE_SCRIPT moves it to its answer, however long that takes: counted from
 * the claim, a write answered more than a window later (a starved event loop, a slow network) would
 * leave the window before Telegram had even seen it. The lease only ends the place of a write whose
 * instance died; a live one settles unanswered writes after its stall time, well within the lease.
 *
 * KEYS: first the bot-wide window, then the chat's windows (0, 1 or 2), then hold keys (a 429's
 *   `retry_after`, as a key with a time to live).
 * ARGV: [windowCount, chatWindowCount, member, leaseMs, (limit, windowMs) per window...]
 * Returns `{botWaitMs, chatWaitMs}` as a two-element array: both 0 means the write was recorded and
 * may go now (a third element then names the entry, for SETTLE_SCRIPT). A chat wait alone lets the
 * caller try another chat's call meanwhile.
 */
export const SLIDING_WINDOW_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local windows = tonumber(ARGV[1])
local chatWindows = tonumber(ARGV[2])
local lease = tonumber(ARGV[4])
local botWait, chatWait = 0, 0
local function waitOf(index)
  local limit = tonumber(ARGV[3 + 2 * index])
  local span = tonumber(ARGV[4 + 2 * index])
  redis.call('ZREMRANGEBYSCORE', KEYS[index], '-inf', now - span)
  local count = redis.call('ZCARD', KEYS[index])
  if count < limit then return 0 end
  local edge = tonumber(redis.call('ZRANGE', KEYS[index], count - limit, count - limit, 'WITHSCORES')[2])
  -- In flight: that place frees a window after an answer that has not come yet, so not before a window.
  if edge > now then return span end
  return math.max(1, edge + span - now)
end
for index = 1, windows do
  local wait = waitOf(index)
  if index <= windows - chatWindows then botWait = math.max(botWait, wait) else chatWait = math.max(chatWait, wait) end
end
for index = windows + 1, #KEYS do
  local ttl = redis.call('PTTL', KEYS[index])
  if ttl > 0 then
    if index == windows + 1 then botWait = math.max(botWait, ttl) else chatWait = math.max(chatWait, ttl) end
  end
end
if botWait > 0 or chatWait > 0 then return {botWait, chatWait} end
local member = now .. ':' .. ARGV[3]
for index = 1, windows do
  redis.call('ZADD', KEYS[index], now + lease, member)
  redis.call('PEXPIRE', KEYS[index], lease + tonumber(ARGV[4 + 2 * index]))
end
return {0, 0, member}
`;

/**
 * A claimed write was answered: its entry moves from in flight to now, so it stays in every window
 * until a window after the answer. Telegram counts a call when it arrives, at some moment between the claim and the
 * answer; counted from the answer, a call that arrived late (a busy loop, a slow network) can never
 * share a window Telegram counts with more than the limit, as in the local write pacer.
 * KEYS: the windows the claim was recorded in. ARGV: [member, windowMs per key...]
 */
export const SETTLE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for index = 1, #KEYS do
  redis.call('ZADD', KEYS[index], now, ARGV[1])
  local span = tonumber(ARGV[1 + index])
  if redis.call('PTTL', KEYS[index]) < span then redis.call('PEXPIRE', KEYS[index], span) end
end
return 0
`;

/** Sets a hold unless a longer one is already set: holds only ever grow until they expire. */
export const HOLD_SCRIPT = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0
`;
