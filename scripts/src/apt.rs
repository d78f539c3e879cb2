//! Debian packages: presence checks, installs with a single `apt-get update`,
//! and extra apt sources derived from the Debian source already configured
//! on the machine (its URI is reused; no mirror is named in this repo).

use crate::{bail, Result};
use std::path::Path;
use xshell::{cmd, Shell};

const DEB822: &str = "/etc/apt/sources.list.d/debian.sources";
const ONE_LINE: &str = "/etc/apt/sources.list";

/// Whether `pkg` is installed (dpkg status `install ok installed`).
pub fn installed(sh: &Shell, pkg: &str) -> bool {
    let fmt = "${Status}";
    cmd!(sh, "dpkg-query -W -f={fmt} {pkg}")
        .quiet()
        .ignore_stderr()
        .read()
        .is_ok_and(|s| s.trim() == "install ok installed")
}

pub fn missing(sh: &Shell, pkgs: &[String]) -> Vec<String> {
    pkgs.iter().filter(|p| !installed(sh, p)).cloned().collect()
}

/// apt-get with `update` run at most once per set of sources.
#[derive(Default)]
pub struct Apt {
    updated: bool,
}

impl Apt {
    pub fn update(&mut self, sh: &Shell) -> Result {
        if !self.updated {
            cmd!(sh, "apt-get update -q").run()?;
            self.updated = true;
        }
        Ok(())
    }

    /// `apt-get install` (from `release` if given, e.g. bookworm-backports).
    pub fn install(&mut self, sh: &Shell, pkgs: &[String], release: Option<&str>) -> Result {
        if pkgs.is_empty() {
            return Ok(());
        }
        self.update(sh)?;
        let release: Vec<&str> = release.map(|r| vec!["-t", r]).unwrap_or_default();
        cmd!(
            sh,
            "apt-get install -y -q --no-install-recommends {release...} {pkgs...}"
        )
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()?;
        Ok(())
    }
}

/// The configured Debian source for `suite`: its URI and Signed-By, if any.
#[derive(Debug, PartialEq)]
pub struct Source {
    pub uri: String,
    pub signed_by: Option<String>,
}

/// Find the Debian URI serving `suite` in the machine's apt configuration
/// (deb822 `debian.sources`, else one-line `sources.list`).
pub fn configured_source(suite: &str) -> Result<Source> {
    if let Ok(text) = std::fs::read_to_string(DEB822) {
        if let Some(s) = from_deb822(&text, suite) {
            return Ok(s);
        }
    }
    if let Ok(text) = std::fs::read_to_string(ONE_LINE) {
        if let Some(s) = from_one_line(&text, suite) {
            return Ok(s);
        }
    }
    bail!("no `deb` source for suite {suite} in {DEB822} or {ONE_LINE}")
}

fn from_deb822(text: &str, suite: &str) -> Option<Source> {
    for stanza in text.split("\n\n") {
        let field = |name: &str| {
            stanza.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().to_string())
            })
        };
        let has = |name: &str, want: &str| {
            field(name).is_some_and(|v| v.split_whitespace().any(|w| w == want))
        };
        if has("Types", "deb") && has("Suites", suite) && field("Enabled").as_deref() != Some("no")
        {
            let uri = field("URIs")?.split_whitespace().next()?.to_string();
            return Some(Source {
                uri,
                signed_by: field("Signed-By").filter(|s| !s.is_empty()),
            });
        }
    }
    None
}

fn from_one_line(text: &str, suite: &str) -> Option<Source> {
    text.lines().find_map(|l| {
        let l = l.split('#').next()?.trim();
        let rest = l.strip_prefix("deb ")?.trim_start();
        let mut signed_by = None;
        let rest = if let Some(opts) = rest.strip_prefix('[') {
            let (opts, rest) = opts.split_once(']')?;
            signed_by = opts
                .split_whitespace()
                .find_map(|o| o.strip_prefix("signed-by="))
                .map(str::to_string);
            rest
        } else {
            rest
        };
        let mut words = rest.split_whitespace();
        let uri = words.next()?;
        (words.next()? == suite).then(|| Source {
            uri: uri.to_string(),
            signed_by,
        })
    })
}

const SOURCES_D: &str = "/etc/apt/sources.list.d";

/// The deb822 stanza for `types`/`suite` on `src`'s URI.
fn source_text(types: &str, suite: &str, src: &Source) -> String {
    let mut text = format!(
        "# Written by `cargo xtask setup` (scripts/src/apt.rs).\n\
         Types: {types}\nURIs: {}\nSuites: {suite}\nComponents: main\n",
        src.uri
    );
    if let Some(k) = &src.signed_by {
        text.push_str(&format!("Signed-By: {k}\n"));
    }
    text
}

/// Whether `/etc/apt/sources.list.d/<file>` already holds that stanza.
pub fn source_is_current(file: &str, types: &str, suite: &str, src: &Source) -> bool {
    std::fs::read_to_string(Path::new(SOURCES_D).join(file))
        .is_ok_and(|old| old == source_text(types, suite, src))
}

/// Write `/etc/apt/sources.list.d/<file>` (the next `apt-get update` reads it).
pub fn write_source(file: &str, types: &str, suite: &str, src: &Source) -> Result {
    let path = Path::new(SOURCES_D).join(file);
    std::fs::write(&path, source_text(types, suite, src))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    println!("  wrote {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCES: &str = "Types: deb\n# comment\nURIs: http://mirror.example/debian\n\
        Suites: bookworm bookworm-updates\nComponents: main\nSigned-By: /k.gpg\n\n\
        Types: deb\nURIs: http://mirror.example/debian-security\nSuites: bookworm-security\n";

    #[test]
    fn deb822_picks_the_stanza_with_the_suite() {
        let s = from_deb822(SOURCES, "bookworm").unwrap();
        assert_eq!(s.uri, "http://mirror.example/debian");
        assert_eq!(s.signed_by.as_deref(), Some("/k.gpg"));
        let sec = from_deb822(SOURCES, "bookworm-security").unwrap();
        assert_eq!(sec.uri, "http://mirror.example/debian-security");
        assert!(from_deb822(SOURCES, "trixie").is_none());
    }

    #[test]
    fn deb822_skips_source_only_stanzas() {
        let t = "Types: deb-src\nURIs: http://a/\nSuites: bookworm\n\n\
                 Types: deb deb-src\nURIs: http://b/\nSuites: bookworm\n";
        assert_eq!(from_deb822(t, "bookworm").unwrap().uri, "http://b/");
    }

    #[test]
    fn written_stanza_reads_back() {
        let src = from_deb822(SOURCES, "bookworm").unwrap();
        let text = source_text("deb", "bookworm-backports", &src);
        assert_eq!(from_deb822(&text, "bookworm-backports").unwrap(), src);
        assert!(from_deb822(&source_text("deb-src", "trixie", &src), "trixie").is_none());
    }

    #[test]
    fn one_line_format() {
        let t = "# x\ndeb-src http://a/ bookworm main\n\
                 deb [arch=amd64 signed-by=/k.gpg] http://b/debian bookworm main\n";
        assert_eq!(
            from_one_line(t, "bookworm").unwrap(),
            Source {
                uri: "http://b/debian".into(),
                signed_by: Some("/k.gpg".into())
            }
        );
        assert!(from_one_line(t, "trixie").is_none());
    }
}
