-- String building: the Lua 5.4 twin of strings.gos. Lua's `s = s .. x` copies
-- the whole string on every append (quadratic), so this uses Lua's idiomatic
-- amortised builder instead: a table of pieces joined by table.concat.

local parts = {}
for i = 0, 999999 do
  if i % 3 == 0 then
    parts[#parts + 1] = tostring(i % 997)
  else
    parts[#parts + 1] = "ab"
  end
end
local s = table.concat(parts)
local check = 0
local k = 0
while k < #s do
  check = (check * 31 + string.byte(s, k + 1)) % 1000000007
  k = k + 1000
end
print(#s .. " " .. check)
