//! Rust reference implementations.
