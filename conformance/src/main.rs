//! `conformance`: see `conformance --help` and the crate's README.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(conformance::runner::cli::main(args));
}
