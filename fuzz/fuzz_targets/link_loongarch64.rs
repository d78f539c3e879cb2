//! The pure link step on loongarch64 objects: an image or an error, nothing else.
#![no_main]
loader_fuzz::link_target!(Loongarch64);
