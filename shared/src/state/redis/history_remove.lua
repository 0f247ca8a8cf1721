-- KEYS: history list, its byte count. ARGV: line id. Removes the entry starting with
-- "id\n"; returns it, or nil when there is none.
local head = ARGV[1] .. '\n'
for _, entry in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  if string.sub(entry, 1, #head) == head then
    redis.call('LREM', KEYS[1], 1, entry)
    redis.call('DECRBY', KEYS[2], #entry)
    return entry
  end
end
return false
