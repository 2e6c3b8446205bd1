-- Mandelbrot-set escape counts: the Lua 5.4 twin of loop_float.gos.

local size = 800
local max_iter = 100
local total = 0
for py = 0, size - 1 do
  local ci = py * 2.0 / size - 1.0
  for px = 0, size - 1 do
    local cr = px * 3.0 / size - 2.0
    local zr = 0.0
    local zi = 0.0
    local n = 0
    while n < max_iter and zr * zr + zi * zi <= 4.0 do
      local t = zr * zr - zi * zi + cr
      zi = 2.0 * zr * zi + ci
      zr = t
      n = n + 1
    end
    total = total + n
  end
end
print(total)
