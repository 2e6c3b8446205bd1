//! Roots the runtime registers besides stacks: ranges of words (the VM's
//! literals and globals), pinned values (a `go` statement's closure until
//! its goroutine runs), and finalizers (objects that own Rust state, freed
//! with them).
//!
//! Each table is a slab under a mutex: registering is rare (a program run,
//! a `go` statement, a channel or lock) and the collector reads the tables
//! while the world is stopped, when no thread holds these locks (they are
//! only held for a push or a removal, never across a safe point).

use parking_lot::Mutex;

/// Slots with a free list.
struct Slab<T> {
    items: Vec<Option<T>>,
    free: Vec<usize>,
}

impl<T> Slab<T> {
    const fn new() -> Self {
        Slab { items: Vec::new(), free: Vec::new() }
    }
    fn insert(&mut self, t: T) -> usize {
        match self.free.pop() {
            Some(i) => {
                self.items[i] = Some(t);
                i
            }
            None => {
                self.items.push(Some(t));
                self.items.len() - 1
            }
        }
    }
    fn remove(&mut self, i: usize) -> Option<T> {
        let t = self.items.get_mut(i)?.take();
        if t.is_some() {
            self.free.push(i);
        }
        t
    }
    fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter().flatten()
    }
}

static RANGES: Mutex<Slab<(usize, usize)>> = Mutex::new(Slab::new());
static PINS: Mutex<Slab<u64>> = Mutex::new(Slab::new());

/// A registered range of words scanned conservatively as roots for as long
/// as this value lives.
#[derive(Debug)]
pub struct RootRange(usize);

impl RootRange {
    /// Registers `words` words at `ptr`. The memory must stay valid (and
    /// hold initialised words) until the range is dropped.
    pub fn new(ptr: *const u64, words: usize) -> RootRange {
        RootRange(RANGES.lock().insert((ptr as usize, words)))
    }
}

impl Drop for RootRange {
    fn drop(&mut self) {
        RANGES.lock().remove(self.0);
    }
}

/// Runs `f` with `n` zeroed words that are roots while `f` runs: for
/// native code that gathers values in Rust memory (which the collector
/// does not scan) before it allocates the object that will hold them.
pub fn with_rooted_words<R>(n: usize, f: impl FnOnce(&mut [u64]) -> R) -> R {
    let mut words = vec![0u64; n];
    let _root = RootRange::new(words.as_ptr(), n);
    f(&mut words)
}

/// Keeps `v` (a value word) alive until [`unpin`]: for values that only
/// Rust-owned memory holds for a while.
pub fn pin(v: u64) -> usize {
    PINS.lock().insert(v)
}

/// Ends a [`pin`].
pub fn unpin(id: usize) {
    PINS.lock().remove(id);
}

/// Calls `f` with each word of every root range and every pinned value.
pub(super) fn for_each_root_word(mut f: impl FnMut(u64)) {
    for &(p, n) in RANGES.lock().iter() {
        for i in 0..n {
            // SAFETY: registered ranges stay valid while registered.
            f(unsafe { std::ptr::read_volatile((p as *const u64).add(i)) });
        }
    }
    for &v in PINS.lock().iter() {
        f(v);
    }
}

/// An object owning Rust state: `(object, state, drop function)`.
type Finalizer = (u64, usize, unsafe fn(usize));

static FINALIZERS: Mutex<Vec<Finalizer>> = Mutex::new(Vec::new());
/// Finalizers of objects found dead, run after the world restarts.
static DEAD: Mutex<Vec<Finalizer>> = Mutex::new(Vec::new());

/// When the collector frees `obj`, it calls `drop_state(state)` (after the
/// world has restarted, on the collecting thread).
pub fn register_finalizer(obj: u64, state: usize, drop_state: unsafe fn(usize)) {
    FINALIZERS.lock().push((obj, state, drop_state));
}

/// Moves the finalizers of unmarked objects to the dead list. Called after
/// marking, before sweeping.
pub(super) fn sweep_finalizers() {
    let mut all = FINALIZERS.lock();
    let mut dead = DEAD.lock();
    let mut i = 0;
    while i < all.len() {
        if super::mark::is_marked(all[i].0) {
            i += 1;
        } else {
            dead.push(all.swap_remove(i));
        }
    }
}

/// Runs the finalizers found dead by the last collection.
pub(super) fn run_finalizers() {
    let dead = std::mem::take(&mut *DEAD.lock());
    for (_, state, f) in dead {
        // SAFETY: the state belongs to a freed object; nothing can reach it.
        unsafe { f(state) };
    }
}
