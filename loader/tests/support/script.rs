//! Shell scripts standing in for clang.

use std::io::Write as _;
use std::path::Path;

/// Writes `text` to `path` as a script, executable or not, without this
/// process ever holding a writable descriptor to it (a `sh` child writes
/// it). Tests run in threads that spawn clang: a fork inherits every open
/// descriptor until its exec, and exec of a script someone holds open for
/// writing fails with ETXTBSY.
#[allow(dead_code)] // not every test file fakes clang
pub fn write_script(path: &Path, text: &str, executable: bool) {
    let mode = if executable { "755" } else { "644" };
    let mut child = std::process::Command::new("sh")
        .args(["-c", "cat > \"$1\" && chmod \"$2\" \"$1\"", "sh"])
        .arg(path)
        .arg(mode)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    assert!(
        child.wait().unwrap().success(),
        "writing {}",
        path.display()
    );
}
