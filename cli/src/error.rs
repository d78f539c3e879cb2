//! The errors of the tool. Each prints as one line that says what went
//! wrong and what to do; compiler diagnostics, when there are some, follow
//! on the next lines.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{command}: {problem} (see `jitload {command} --help`)")]
    Usage {
        command: &'static str,
        problem: String,
    },
    #[error(
        "unknown command `{0}` (commands: run, relocs, dump, disasm, census; see `jitload --help`)"
    )]
    UnknownCommand(String),
    #[error("{path}: {source} (check the path)", path = path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a kernel source: the file name must end in .c (C) or .ll (LLVM IR)", path = path.display())]
    NotAKernel { path: PathBuf },
    #[error("{0} (fix the kernel header; the format is in conformance/README.md)")]
    Spec(#[from] conformance::spec::SpecError),
    #[error("{0}")]
    Loader(#[from] loader::Error),
    #[error("{0}")]
    Call(#[from] conformance::runner::calls::CallError),
    #[error("{0}")]
    Run(String),
    #[error("{tool} is not installed: {hint}")]
    MissingTool {
        tool: &'static str,
        hint: &'static str,
    },
}

impl Error {
    pub fn usage(command: &'static str, problem: impl Into<String>) -> Error {
        Error::Usage {
            command,
            problem: problem.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
