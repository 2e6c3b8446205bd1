-- The programs of vm_bench/main.rs in Lua 5.4: `lua5.4 ref.lua`.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
local function time(name, f)
  local t = os.clock(); local r = f(); print(string.format("%-13s %7.3f s   result %s", name, os.clock() - t, r))
end
time("fib30", function() return fib(30) end)
time("loop100m", function() local s = 0; for i = 0, 100000000 - 1 do s = s + (i & 255) end; return s end)
time("nested_int", function()
  local s = 0; for i = 0, 9999 do for j = 0, 9999 do s = s + (i ~ j) end end; return s end)
time("nested_float", function()
  local x = 0.0; for i = 0, 9999 do for j = 0, 9999 do x = x * 0.5 + j end end; return x end)
time("float_nochain", function()
  local x = 0.0; for i = 0, 9999 do for j = 0, 9999 do x = j * 0.5 + 1.0 end end; return x end)
