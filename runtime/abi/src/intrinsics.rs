//! The library operations generated code asks the runtime for. The IR names
//! them; every backend implements each one by calling the runtime (the VM
//! may inline the hottest). Argument and result types are those of the IR
//! expression that carries the intrinsic.

use serde::{Deserialize, Serialize};

/// Library operations that backends implement with the runtime. Each lists
/// its arguments and result. "Option<T>"/"Result<T, E>" results are built
/// from the expression's own type, with the prelude's tag order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Intrinsic {
    // ---- failure and process ----
    /// (msg: Str) -> Never. Prints `panic: msg` and the location, exit 2.
    Panic,
    /// (code: i32) -> Never. Flushes stdout first.
    Exit,
    /// () -> Vec<Str>
    Args,
    /// (name: Str) -> Option<Str>
    Getenv,

    // ---- output ----
    /// (s: Str) -> (): appends to the shared stdout buffer.
    PrintStdout,
    /// (s: Str) -> (): writes to stderr (after flushing stdout).
    PrintStderr,
    /// (bytes: Vec<u8>, n: i64) -> (): appends the first `n` bytes.
    StdoutWriteBytes,
    /// () -> ()
    StdoutFlush,
    /// () -> Option<Str>: one line including its `\n`, None at end of input.
    StdinReadLine,

    // ---- time ----
    /// () -> i64: monotonic nanoseconds.
    NowNs,
    /// (ms: i64) -> ()
    SleepMs,

    // ---- strings ----
    /// (s) -> i64: length in bytes.
    StrLen,
    /// (s, i: i64) -> u8; out of range panics.
    StrByteAt,
    /// (s, a: i64, b: i64) -> Str; out of range or not on a char boundary panics.
    StrSlice,
    /// (s, i: i64) -> char: the char starting at byte `i` (panics if none).
    StrCharAt,
    /// (s, pat: Str) -> bool
    StrContains,
    /// (s, pat) -> bool
    StrStartsWith,
    /// (s, pat) -> bool
    StrEndsWith,
    /// (s, pat) -> Option<i64>
    StrFind,
    /// (s, from: Str, to: Str) -> Str
    StrReplace,
    /// (s) -> Str (full Unicode, as Rust)
    StrToUpper,
    /// (s) -> Str
    StrToLower,
    /// (s) -> Str
    StrTrim,
    /// (s) -> Str
    StrTrimStart,
    /// (s) -> Str
    StrTrimEnd,
    /// (s, sep: Str) -> Vec<Str>
    StrSplit,
    /// (s) -> Vec<Str>
    StrSplitWhitespace,
    /// (s) -> Vec<Str>
    StrLines,
    /// (s) -> Vec<char>
    StrChars,
    /// (s) -> Vec<u8>
    StrBytes,
    /// (s, n: i64) -> Str
    StrRepeat,
    /// (s) -> Result<T, Str> where T is the integer or float type of the
    /// result's `Ok`; the error text is Rust's (`invalid digit found in string`).
    StrParse,
    /// (chars: Vec<char>) -> Str
    StrFromChars,
    /// (bytes: Vec<u8>) -> Str (invalid UTF-8 replaced by U+FFFD)
    StrFromUtf8Lossy,
    /// (c: char) -> Str
    CharToString,

    // ---- chars ----
    /// (c) -> bool
    CharIsAlphabetic,
    CharIsNumeric,
    CharIsAlphanumeric,
    CharIsWhitespace,
    CharIsUppercase,
    CharIsLowercase,
    CharIsAsciiDigit,
    /// (c) -> char (single-char mapping; multi-char mappings keep `c`)
    CharToUppercase,
    CharToLowercase,
    /// (c, radix: u32) -> Option<u32>
    CharToDigit,

    // ---- vectors ----
    /// (capacity: i64) -> Vec<T>
    VecNew,
    /// (value: T, n: i64) -> Vec<T>: `vec![v; n]`, each element a `Clone`.
    VecRepeat,
    /// (v) -> i64
    VecLen,
    /// (v, x) -> ()
    VecPush,
    /// (v) -> Option<T>
    VecPop,
    /// (v, i: i64, x) -> (); `i > len` panics.
    VecInsert,
    /// (v, i: i64) -> T; out of range panics.
    VecRemove,
    /// (v) -> ()
    VecClear,
    /// (v, len: i64) -> ()
    VecTruncate,
    /// (v, x) -> bool (structural equality)
    VecContains,
    /// (v) -> (): ascending; floats by total order; strings by bytes;
    /// tuples lexicographically. Stable.
    VecSort,
    /// (v) -> ()
    VecReverse,
    /// (v: Vec<Str>, sep: Str) -> Str
    VecJoin,
    /// (v, i: i64, j: i64) -> ()
    VecSwap,
    /// (v, other: Vec<T>) -> (): appends `other`'s elements.
    VecExtend,
    /// (v, a: i64, b: i64) -> Vec<T>: a new vector of elements `a..b`.
    VecSlice,
    /// (arr: [T; N]) -> Vec<T>: a vector of the array's elements.
    ArrayToVec,

    // ---- maps and sets (keys: integers, bool, char, Str, tuples of these) ----
    /// (capacity: i64) -> Map<K, V>
    MapNew,
    /// (m) -> i64
    MapLen,
    /// (m, k, v) -> Option<V> (the old value)
    MapInsert,
    /// (m, k) -> Option<V>
    MapGet,
    /// (m, k) -> bool
    MapContains,
    /// (m, k) -> Option<V>
    MapRemove,
    /// (m) -> Vec<K>, in iteration order
    MapKeys,
    /// (m) -> Vec<V>, in iteration order
    MapValues,
    /// (m) -> Vec<(K, V)>, in iteration order
    MapEntries,
    /// (m) -> ()
    MapClear,
    /// (capacity: i64) -> Set<T>
    SetNew,
    /// (s) -> i64
    SetLen,
    /// (s, x) -> bool (true if newly inserted)
    SetInsert,
    /// (s, x) -> bool
    SetContains,
    /// (s, x) -> bool (true if it was present)
    SetRemove,
    /// (s) -> Vec<T>, in iteration order
    SetItems,
    /// (s) -> ()
    SetClear,

    // ---- cells and boxes ----
    /// (value: T) -> Cell<T> or Box<T> (the result type says which)
    CellNew,

    // ---- math (f64 unless noted; f32 versions take the f32 type) ----
    Sqrt,
    FAbs,
    Floor,
    Ceil,
    /// Half away from zero, as Rust's `round`.
    Round,
    Trunc,
    Sin,
    Cos,
    Tan,
    Atan,
    /// (y, x)
    Atan2,
    Exp,
    Ln,
    Log10,
    Log2,
    /// (x: f64, n: i32)
    Powi,
    /// (x, y)
    Powf,
    /// (a, b): Rust's `f64::min`/`max` (NaN-ignoring)
    FMin,
    FMax,
    /// (x) -> bool
    IsNan,
    IsInfinite,
    IsFinite,
    /// (x: f64) -> u64
    ToBits,
    /// (x: u64) -> f64
    FromBits,
    /// (x: int) -> int: wrapping absolute value.
    IntAbs,
    /// (x: int, e: u32) -> int: wrapping power.
    IntPow,

    // ---- concurrency (LANGUAGE.md §7; implemented in gos-runtime::sched and friends) ----
    /// (capacity: i64) -> (Sender<T>, Receiver<T>): a new channel; both
    /// handles are the same channel object. Capacity 0 is unbuffered.
    ChanNew,
    /// (tx, v) -> (): blocks while full; panics "send on closed channel".
    ChanSend,
    /// (rx) -> Option<T>: blocks until a value or close-and-drained (None).
    ChanRecv,
    /// (rx) -> Option<T>: never blocks; None when nothing is ready.
    ChanTryRecv,
    /// (tx) -> (); closing twice panics "close of closed channel".
    ChanClose,
    /// (rx) -> bool: closed and drained.
    ChanIsClosed,
    /// (has_default: bool, n: i64, then n triples (kind: i64 0=recv 1=send,
    /// channel, value-or-0)) -> i64: the index of the arm taken (among the n),
    /// or -1 for `default`. Chooses uniformly at random among ready arms;
    /// blocks (releasing its proc token) when none is ready and there is no
    /// default. A taken receive arm leaves its `Option<T>` result in the
    /// calling thread's select slot for `SelectRecvValue`.
    Select,
    /// () -> Option<T>: the value received by the last `Select` on this
    /// thread (the result type says which `T`).
    SelectRecvValue,
    /// () -> WaitGroup
    WaitGroupNew,
    /// (wg, n: i64) -> (); a negative counter panics "sync: negative WaitGroup counter".
    WaitGroupAdd,
    /// (wg) -> ()
    WaitGroupDone,
    /// (wg) -> (): blocks until the counter is zero.
    WaitGroupWait,
    /// () -> Mutex
    MutexNew,
    /// (m) -> ()
    MutexLock,
    /// (m) -> (); unlocking an unlocked mutex is a fatal error, as in Go.
    MutexUnlock,
    /// (v: i64) -> AtomicI64
    AtomicNew,
    /// (a) -> i64
    AtomicLoad,
    /// (a, v) -> ()
    AtomicStore,
    /// (a, delta) -> i64 (the previous value)
    AtomicFetchAdd,
    /// (a, current, new) -> Result<i64, i64>
    AtomicCompareExchange,
    /// (len: i64) -> I64Vec, zeroed
    I64VecNew,
    /// (v) -> i64
    I64VecLen,
    /// (v, i) -> i64; bounds-checked
    I64VecGet,
    /// (v, i, x) -> (); bounds-checked
    I64VecSet,
    /// (v, start, count) -> (): appends the low byte of each element to the
    /// stdout buffer in one bulk copy.
    I64VecWriteBytesToStdout,
    /// (v, start, count) -> (): appends bytes [start, start + count) of the
    /// vector's little-endian byte image (8 bytes per element) to stdout in
    /// one piece: through the buffer, or straight from the cells when it is
    /// at least as large as the buffer.
    I64VecWriteLeBytesToStdout,
    /// () -> i64: live goroutines, `main` included.
    NumGoroutine,

    // ---- memory (LANGUAGE.md §6 `std::runtime`; implemented in gos-runtime::gc) ----
    /// () -> (): a full stop-the-world collection.
    Gc,
    /// () -> MemStats: the collector's statistics, an aggregate of nine
    /// `i64` words in the order of the prelude's `MemStats` fields.
    MemStats,
}
