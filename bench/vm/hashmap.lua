-- Hash map insert and lookup: the Lua 5.4 twin of hashmap.gos (a Lua table
-- with integer keys; the keys are sparse, so they live in its hash part).

local n = 1000000
local m = {}
local count = 0
for i = 0, n - 1 do
  local k = i * 2654435761 % 4294967296
  if m[k] == nil then
    count = count + 1
  end
  m[k] = i
end
local sum = 0
for i = 0, n - 1 do
  local v = m[i * 2654435761 % 4294967296]
  if v ~= nil then
    sum = sum + v
  end
end
local misses = 0
for i = 0, n - 1 do
  if m[4294967297 + 2 * i] == nil then
    misses = misses + 1
  end
end
print(count .. " " .. sum .. " " .. misses)
