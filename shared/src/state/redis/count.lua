-- KEYS: counter. ARGV: delta, window ms. Returns {count, ms left in the window}; a window
-- opens with the first hit (a give-back on no window changes nothing).
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  if tonumber(ARGV[1]) <= 0 then return {0, 0} end
  redis.call('SET', KEYS[1], 0, 'PX', ARGV[2])
  ttl = tonumber(ARGV[2])
end
local n = redis.call('INCRBY', KEYS[1], ARGV[1])
if n < 0 then redis.call('SET', KEYS[1], 0, 'KEEPTTL'); n = 0 end
return {n, ttl}
