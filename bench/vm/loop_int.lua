-- Nested integer loop: the Lua 5.4 twin of loop_int.gos (`~` is Lua's xor).

local n = 4000
local acc = 0
for i = 0, n - 1 do
  for j = 0, n - 1 do
    acc = (acc + i * j + (i ~ j)) % 1000003
  end
end
print(acc)
