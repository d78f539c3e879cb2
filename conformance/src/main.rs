//! `conformance`: see `conformance --help` and the crate's README.

fn main() {
    #[cfg(unix)]
    // SAFETY: called first thing, before any thread exists; restoring the
    // default SIGPIPE action makes `conformance census | head` end quietly
    // instead of panicking in `println!`.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(conformance::runner::cli::main(args));
}
