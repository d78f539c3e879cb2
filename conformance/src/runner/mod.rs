//! The harness: runs the corpus through the loader's two backends in
//! child processes and compares the results (`run`), links it for every
//! architecture at a fixed base (`census`, relocation snapshots), and
//! writes the reports.

pub mod calls;
pub mod census;
pub mod child;
pub mod cli;
pub mod cross;
pub mod expected;
pub mod fixed;
pub mod glob;
pub mod helpers;
pub mod oracle;
pub mod outputs;
pub mod pool;
pub mod progress;
pub mod relocnames;
pub mod report;
pub mod run;
pub mod spawn;
pub mod wire;
