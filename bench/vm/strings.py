# String building: the CPython 3.11 twin of strings.gos. `s += x` on a local
# string with no other reference is amortised by CPython (it resizes in place).


def main():
    s = ""
    for i in range(1000000):
        if i % 3 == 0:
            s += str(i % 997)
        else:
            s += "ab"
    check = 0
    k = 0
    while k < len(s):
        check = (check * 31 + ord(s[k])) % 1000000007
        k += 1000
    print(len(s), check)


main()
