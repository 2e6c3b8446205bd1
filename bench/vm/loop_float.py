# Mandelbrot-set escape counts: the CPython 3.11 twin of loop_float.gos.


def main():
    size = 800
    max_iter = 100
    total = 0
    for py in range(size):
        ci = py * 2.0 / size - 1.0
        for px in range(size):
            cr = px * 3.0 / size - 2.0
            zr = 0.0
            zi = 0.0
            n = 0
            while n < max_iter and zr * zr + zi * zi <= 4.0:
                t = zr * zr - zi * zi + cr
                zi = 2.0 * zr * zi + ci
                zr = t
                n += 1
            total += n
    print(total)


main()
