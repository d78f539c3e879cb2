//! The pure link step on ppc64le objects: an image or an error, nothing else.
#![no_main]
loader_fuzz::link_target!(Ppc64le);
