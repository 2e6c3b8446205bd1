//! Builds the runtime as a static library (`gos-rtlib`) for the `gossamer`
//! binary to carry inside itself: `gossamer build` links every executable
//! against it (`src/link.rs`), and must work from any directory and after
//! `cargo install`, with the source tree gone, so the archive is embedded
//! with `include_bytes!` rather than looked up at run time.
//!
//! The archive comes from a nested `cargo rustc --release -p gos-rtlib`
//! with its own target directory under `OUT_DIR`. Its own directory because
//! the outer cargo holds the lock on the outer target directory while this
//! script runs (sharing it would deadlock); under `OUT_DIR` because that
//! directory persists across builds of this package, so after the first
//! build the nested cargo only recompiles what changed in the runtime. It
//! is always a release build, whatever the outer profile: it is the code
//! users' programs run on.
//!
//! Outputs, as environment variables for the driver's compilation:
//! * `GOS_RTLIB`: the archive's absolute path;
//! * `GOS_RTLIB_NATIVE_LIBS`: the system libraries the archive needs on the
//!   link line (what rustc prints for `--print native-static-libs`, e.g.
//!   `-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc` on Linux with glibc).
//!
//! The driver's allocator features (`mimalloc`, `jemalloc`) are forwarded
//! to the nested build as gos-rtlib's features of the same names, so that
//! built executables use the allocator `gossamer run` uses. A different
//! feature set gives this script a different `OUT_DIR`, hence its own
//! nested target directory: switching allocators does not rebuild the
//! others' archives.
//!
//! The script reruns only when the runtime's sources, their manifests, the
//! workspace manifest (profiles) or `Cargo.lock` change.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The files and directories the archive is built from, relative to the
/// workspace root. Directories are scanned recursively by cargo.
const INPUTS: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "runtime/Cargo.toml",
    "runtime/src",
    "runtime/abi/Cargo.toml",
    "runtime/abi/src",
    "runtime/vm/Cargo.toml",
    "runtime/vm/src",
    "runtime/rtlib/Cargo.toml",
    "runtime/rtlib/src",
];

/// Environment variables the outer cargo sets for build scripts (or that a
/// caller set for the outer build) that would send the nested cargo's
/// output elsewhere, make it build for a different tool, or clash with the
/// outer build. The jobserver variables (`CARGO_MAKEFLAGS`, `MAKEFLAGS`)
/// are kept on purpose: through them the nested cargo takes its job slots
/// from the outer one instead of starting as many jobs again.
const CLEARED_ENV: &[&str] = &[
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    // `cargo clippy` and friends wrap the workspace's rustc; the archive
    // must come from plain rustc (and clippy's lints are the outer run's job).
    "RUSTC_WORKSPACE_WRAPPER",
    // Set by cargo for the package being built; meaningless to another one.
    "CARGO_PRIMARY_PACKAGE",
];

fn main() {
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR"));
    let root = manifest_dir.join("../..").canonicalize().unwrap_or_else(|e| {
        panic!("cannot find the workspace root above {}: {e}", manifest_dir.display())
    });
    for input in INPUTS {
        println!("cargo:rerun-if-changed={}", root.join(input).display());
    }
    println!("cargo:rerun-if-changed=build.rs");

    let out_dir = PathBuf::from(env("OUT_DIR"));
    let target_dir = out_dir.join("rt");
    let target = env("TARGET");
    let cross = target != env("HOST");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Neither `--locked` nor `--offline`: the outer cargo has just resolved
    // and downloaded the same workspace, so the nested one finds the lock
    // file current and every crate present; if a manifest changed in
    // between (someone else editing the tree), refusing to update the lock
    // would fail the build for nothing, and `--offline` cannot resolve
    // packages the outer build did not need to download.
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&root)
        .args(["rustc", "--release", "-p", "gos-rtlib", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    if cross {
        cmd.args(["--target", &target]);
    }
    // Cargo tells a build script its package's features as CARGO_FEATURE_*.
    let features: Vec<&str> =
        ["mimalloc", "jemalloc"].into_iter().filter(|f| std::env::var_os(format!("CARGO_FEATURE_{}", f.to_uppercase())).is_some()).collect();
    if !features.is_empty() {
        cmd.args(["--features", &features.join(",")]);
    }
    // Asks rustc for the native libraries; cargo replays the note from its
    // cache when the crate is fresh (checked below, with a saved copy as the
    // fallback).
    cmd.args(["--", "--print", "native-static-libs"]);
    for var in CLEARED_ENV {
        cmd.env_remove(var);
    }
    let output = cmd.output().unwrap_or_else(|e| panic!("cannot run {cargo}: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        panic!("building the runtime library (gos-rtlib) failed:\n{stderr}");
    }

    let profile_dir = if cross { target_dir.join(&target).join("release") } else { target_dir.join("release") };
    let archive = profile_dir.join("libgos_rtlib.a");
    if !archive.is_file() {
        panic!("the nested cargo succeeded but {} does not exist:\n{stderr}", archive.display());
    }
    println!("cargo:rustc-env=GOS_RTLIB={}", archive.display());
    println!("cargo:rustc-env=GOS_RTLIB_NATIVE_LIBS={}", native_libs(&stderr, &out_dir));
}

/// The native libraries from rustc's `note: native-static-libs: …` line in
/// the nested cargo's stderr, saved in `OUT_DIR`; when the line is missing
/// (a fresh crate whose messages cargo did not replay), the saved copy from
/// the build that compiled it.
fn native_libs(stderr: &str, out_dir: &Path) -> String {
    let saved = out_dir.join("native-static-libs.txt");
    let found = stderr.lines().find_map(|l| l.split_once("native-static-libs:").map(|(_, libs)| libs.trim().to_string()));
    match found {
        Some(libs) => {
            std::fs::write(&saved, &libs).unwrap_or_else(|e| panic!("cannot write {}: {e}", saved.display()));
            libs
        }
        None => std::fs::read_to_string(&saved).map(|s| s.trim().to_string()).unwrap_or_else(|_| {
            panic!(
                "rustc printed no native-static-libs line for gos-rtlib and none is saved in {}; \
                 remove {} to rebuild it:\n{stderr}",
                saved.display(),
                out_dir.join("rt").display()
            )
        }),
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("cargo did not set {name} for the build script"))
}
