-- KEYS: history list, its byte count. ARGV: entry, most lines, most bytes, TTL ms.
-- Newest first; the oldest lines go while there are too many or too many bytes (the newest
-- stays even alone over the budget); both keys expire a TTL after the last line.
local n = redis.call('LPUSH', KEYS[1], ARGV[1])
local bytes
if n == 1 then
  bytes = #ARGV[1]
  redis.call('SET', KEYS[2], bytes)
else
  bytes = redis.call('INCRBY', KEYS[2], #ARGV[1])
end
local most_lines, most_bytes = tonumber(ARGV[2]), tonumber(ARGV[3])
while n > 1 and (n > most_lines or bytes > most_bytes) do
  local old = redis.call('RPOP', KEYS[1])
  if not old then break end
  bytes = redis.call('INCRBY', KEYS[2], -#old)
  n = n - 1
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return n
