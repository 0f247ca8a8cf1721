-- KEYS: names, roster. ARGV: socket, expected JSON, old key, new key, new JSON.
-- Returns 1 done, 0 stale, -1 taken.
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if cur ~= ARGV[2] then return 0 end
if ARGV[3] ~= ARGV[4] then
  local holder = redis.call('HGET', KEYS[1], ARGV[4])
  if holder and holder ~= ARGV[1] then return -1 end
  if redis.call('HGET', KEYS[1], ARGV[3]) == ARGV[1] then redis.call('HDEL', KEYS[1], ARGV[3]) end
  redis.call('HSET', KEYS[1], ARGV[4], ARGV[1])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
return 1
