# The programs of vm_bench/main.rs in Python: `python3 ref.py`.
import time

def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def loop100m():
    s = 0
    for i in range(100_000_000):
        s = s + (i & 255)
    return s

def nested_int():
    s = 0
    for i in range(10000):
        for j in range(10000):
            s = s + (i ^ j)
    return s

def nested_float():
    x = 0.0
    for i in range(10000):
        for j in range(10000):
            x = x * 0.5 + float(j)
    return x

def float_nochain():
    x = 0.0
    for i in range(10000):
        for j in range(10000):
            x = float(j) * 0.5 + 1.0
    return x

for name, f in [("fib30", lambda: fib(30)), ("loop100m", loop100m), ("nested_int", nested_int), ("nested_float", nested_float), ("float_nochain", float_nochain)]:
    t = time.process_time()
    r = f()
    print(f"{name:<13} {time.process_time() - t:7.3f} s   result {r}")
