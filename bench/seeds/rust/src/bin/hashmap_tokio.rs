//! Hash-map tasks on tokio with the system allocator (glibc malloc): see
//! `seeds::hashmap_tokio_main`.
fn main() {
    seeds::hashmap_tokio_main()
}
