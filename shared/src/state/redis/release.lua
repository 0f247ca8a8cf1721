-- KEYS: names, roster, rooms. ARGV: socket, room. Returns the removed entry JSON or nil.
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if not cur then return false end
local key = cjson.decode(cur)['key']
if key and redis.call('HGET', KEYS[1], key) == ARGV[1] then redis.call('HDEL', KEYS[1], key) end
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('HLEN', KEYS[2]) == 0 then redis.call('SREM', KEYS[3], ARGV[2]) end
return cur
