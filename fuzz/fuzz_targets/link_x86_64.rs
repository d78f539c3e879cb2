//! The pure link step on x86_64 objects: an image or an error, nothing else.
#![no_main]
loader_fuzz::link_target!(X86_64);
