# Nested integer loop: the CPython 3.11 twin of loop_int.gos.


def main():
    n = 4000
    acc = 0
    for i in range(n):
        for j in range(n):
            acc = (acc + i * j + (i ^ j)) % 1000003
    print(acc)


main()
