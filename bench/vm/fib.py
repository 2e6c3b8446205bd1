# Recursive Fibonacci: the CPython 3.11 twin of fib.gos.
# Expected output: 3524578


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


print(fib(35))
