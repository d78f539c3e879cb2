//! A tiny command-line parser: `--name value`, `--name=value` and switches.

use crate::Result;

pub struct Flags {
    args: Vec<String>,
}

impl Flags {
    /// Parse `args`; if `-h`/`--help` is among them, print `help` and return
    /// `None` (the caller then returns `Ok(())`).
    pub fn new(args: Vec<String>, help: &str) -> Option<Self> {
        if args.iter().any(|a| a == "-h" || a == "--help") {
            println!("{}", help.trim_end());
            return None;
        }
        Some(Flags { args })
    }

    /// Take `--name value` or `--name=value`, if given (the last one wins).
    pub fn value(&mut self, name: &str) -> Result<Option<String>> {
        let mut found = None;
        let prefix = format!("{name}=");
        let mut i = 0;
        while i < self.args.len() {
            if self.args[i] == name {
                if i + 1 >= self.args.len() {
                    crate::bail!("{name} needs a value");
                }
                found = Some(self.args.remove(i + 1));
                self.args.remove(i);
            } else if let Some(v) = self.args[i].strip_prefix(&prefix) {
                found = Some(v.to_string());
                self.args.remove(i);
            } else {
                i += 1;
            }
        }
        Ok(found)
    }

    /// Take every `--name value` / `--name=value`, in order.
    pub fn values(&mut self, name: &str) -> Result<Vec<String>> {
        let mut found = Vec::new();
        let prefix = format!("{name}=");
        let mut i = 0;
        while i < self.args.len() {
            if self.args[i] == name {
                if i + 1 >= self.args.len() {
                    crate::bail!("{name} needs a value");
                }
                found.push(self.args.remove(i + 1));
                self.args.remove(i);
            } else if let Some(v) = self.args[i].strip_prefix(&prefix) {
                found.push(v.to_string());
                self.args.remove(i);
            } else {
                i += 1;
            }
        }
        Ok(found)
    }

    /// Take a boolean switch such as `--native-only`.
    pub fn switch(&mut self, name: &str) -> bool {
        let before = self.args.len();
        self.args.retain(|a| a != name);
        self.args.len() != before
    }

    /// Fail on anything not consumed.
    pub fn finish(self) -> Result {
        if let Some(a) = self.args.first() {
            crate::bail!("unexpected argument `{a}` (see --help)");
        }
        Ok(())
    }
}

/// Split a comma-separated list, dropping empty items.
pub fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(a: &[&str]) -> Flags {
        Flags::new(a.iter().map(|s| s.to_string()).collect(), "help").unwrap()
    }

    #[test]
    fn values_and_switches() {
        let mut f = flags(&["--arch", "aarch64,riscv64", "--clang=16", "--x"]);
        assert_eq!(
            f.value("--arch").unwrap().as_deref(),
            Some("aarch64,riscv64")
        );
        assert_eq!(f.value("--clang").unwrap().as_deref(), Some("16"));
        assert!(f.switch("--x"));
        assert!(f.value("--missing").unwrap().is_none());
        f.finish().unwrap();
    }

    #[test]
    fn leftovers_and_missing_values_are_errors() {
        assert!(flags(&["--arch"]).value("--arch").is_err());
        assert!(flags(&["stray"]).finish().is_err());
        assert!(Flags::new(vec!["--help".into()], "h").is_none());
    }

    #[test]
    fn comma_lists() {
        assert_eq!(list("a, b,,c"), ["a", "b", "c"]);
    }
}
