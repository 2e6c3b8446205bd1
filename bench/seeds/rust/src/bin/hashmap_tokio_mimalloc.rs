//! Hash-map tasks on tokio with mimalloc as the global allocator: the same
//! program as hashmap_tokio.rs, so the two rows differ only in the allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    seeds::hashmap_tokio_main()
}
