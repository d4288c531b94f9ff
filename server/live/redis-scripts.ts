/*
 * The Lua scripts of the Redis change log (redis-change-log.ts): each runs as
 * one atomic step in Redis, whichever process sends it.
 */

/*
 * Seq assignment, replay-log append and pub/sub publish happen in one Lua
 * script, so they are atomic across every process sharing the Redis: two
 * processes can never hand out the same seq, the log never has holes, and
 * Redis publishes the entries in seq order.
 * The log list expires after the idle time (ms; 0 = never), renewed by every
 * append: a channel nobody writes to any more holds no changes in Redis. Its
 * seq counter stays, so numbering never restarts and returning clients resync.
 * Every entry carries the epoch, the name of the numbering the counters are
 * in: a Redis that lost its data (restarted without persistence) has no
 * epoch key, so the first script to run after that starts a new one, and
 * every process learns of it from the entries and replies it reads.
 * The log keeps at most the replay limit of entries and the replay bytes
 * (the latest entry always), counted in a key of its own.
 * KEYS: seq counter, log list, channel set, epoch, the log's byte count.
 * ARGV: replay limit, pub/sub channel, JSON-encoded channel name, idle time,
 * channel name, a new epoch in case there is none, replay bytes, then one
 * JSON change per argument.
 */
const ENSURE_EPOCH = `
local function ensureEpoch(key, candidate)
  local epoch = redis.call('GET', key)
  if not epoch then
    epoch = candidate
    redis.call('SET', key, epoch)
  end
  return epoch
end
`;
export const APPEND_SCRIPT = `${ENSURE_EPOCH}
local epoch = ensureEpoch(KEYS[4], ARGV[6])
redis.call('SADD', KEYS[3], ARGV[5])
local seq = 0
local bytes = tonumber(redis.call('GET', KEYS[5]) or '-1')
if bytes < 0 then
  -- No count (the first append, or the key lost alone, evicted or deleted): counted from the log.
  bytes = 0
  for _, held in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do bytes = bytes + #held end
end
for i = 8, #ARGV do
  seq = redis.call('INCR', KEYS[1])
  local entry = '{"channel":' .. ARGV[3] .. ',"seq":' .. seq .. ',"epoch":' .. cjson.encode(epoch) .. ',"change":' .. ARGV[i] .. '}'
  redis.call('RPUSH', KEYS[2], entry)
  redis.call('PUBLISH', ARGV[2], entry)
  bytes = bytes + #entry
end
local length = redis.call('LLEN', KEYS[2])
local limit, cap = tonumber(ARGV[1]), tonumber(ARGV[7])
while length > limit or (bytes > cap and length > 1) do
  bytes = bytes - #redis.call('LPOP', KEYS[2])
  length = length - 1
end
-- A count left from a log trimmed or lost by hand mends itself at one entry.
if length <= 1 then bytes = length == 1 and #redis.call('LINDEX', KEYS[2], 0) or 0 end
redis.call('SET', KEYS[5], bytes)
if tonumber(ARGV[4]) > 0 then
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  redis.call('PEXPIRE', KEYS[5], ARGV[4])
end
return { seq, epoch }
`;

/*
 * Reads the epoch, the current seq and the entries after ARGV[1] in one step.
 * The log holds consecutive seqs (only its head is trimmed), so the first
 * entry's seq gives the index to start from. Reply: { epoch, current, 1,
 * entries... } when the log covers the gap, { epoch, current, 0 } when it
 * was trimmed past it. KEYS: seq counter, log list, epoch. ARGV: since, a
 * new epoch in case there is none.
 */
export const READ_SCRIPT = `${ENSURE_EPOCH}
local epoch = ensureEpoch(KEYS[3], ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local since = tonumber(ARGV[1])
if since >= current then return { epoch, current, since == current and 1 or 0 } end
local head = redis.call('LINDEX', KEYS[2], 0)
if not head then return { epoch, current, 0 } end
-- The seq is read as text, not with cjson: cjson refuses some JSON that JavaScript writes
-- (a lone surrogate, "\\ud83d"), and one such change would fail every replay of the channel.
-- The channel before it is a JSON string, which holds no bare '"': the first ',"seq":' is the entry's.
local first = tonumber(string.match(head, ',"seq":(%d+),'))
if first > since + 1 then return { epoch, current, 0 } end
local reply = redis.call('LRANGE', KEYS[2], since + 1 - first, -1)
table.insert(reply, 1, 1)
table.insert(reply, 1, current)
table.insert(reply, 1, epoch)
return reply
`;

/*
 * Starts a new epoch in place of ARGV[1] (unless another process did so
 * already, or Redis has none: then the one it has, or ARGV[2]) and announces
 * it on the pub/sub channel as an entry with no change, so every process
 * follows it. KEYS: epoch. ARGV: the epoch to leave, a new one, pub/sub
 * channel. Returns the epoch now.
 */
export const NEW_EPOCH_SCRIPT = `
local epoch = redis.call('GET', KEYS[1])
if (not epoch) or epoch == ARGV[1] then
  epoch = ARGV[2]
  redis.call('SET', KEYS[1], epoch)
end
redis.call('PUBLISH', ARGV[3], '{"epoch":' .. cjson.encode(epoch) .. '}')
return epoch
`;
