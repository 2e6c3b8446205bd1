# Hash map insert and lookup: the CPython 3.11 twin of hashmap.gos (a dict).


def main():
    n = 1000000
    m = {}
    for i in range(n):
        m[i * 2654435761 % 4294967296] = i
    total = 0
    for i in range(n):
        v = m.get(i * 2654435761 % 4294967296)
        if v is not None:
            total += v
    misses = 0
    for i in range(n):
        if (4294967297 + 2 * i) not in m:
            misses += 1
    print(len(m), total, misses)


main()
