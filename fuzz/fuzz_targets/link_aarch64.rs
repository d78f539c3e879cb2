//! The pure link step on aarch64 objects: an image or an error, nothing else.
#![no_main]
loader_fuzz::link_target!(Aarch64);
