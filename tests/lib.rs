//! Harness support.
