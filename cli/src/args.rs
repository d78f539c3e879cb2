//! A small command-line parser: positional words, `--name value` options
//! and one list option (`--args V V ...`, which takes
//! every following word up to the next `--option`). Words starting with a
//! single `-` are values (`--args -3 2.5`).

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// What a subcommand accepts.
#[derive(Debug, Clone, Copy)]
pub struct Accepts {
    pub command: &'static str,
    /// Options taking one value.
    pub options: &'static [&'static str],
    /// The option taking every following word, if any.
    pub list: Option<&'static str>,
    /// How many positional words (at most).
    pub positional: usize,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub positional: Vec<String>,
    options: BTreeMap<&'static str, String>,
    list: Option<Vec<String>>,
    pub help: bool,
}

impl Parsed {
    pub fn option(&self, name: &str) -> Option<&str> {
        self.options.get(name).map(String::as_str)
    }

    pub fn list(&self) -> Option<&[String]> {
        self.list.as_deref()
    }
}

pub fn parse(accepts: &Accepts, words: &[String]) -> Result<Parsed> {
    let cmd = accepts.command;
    let mut p = Parsed::default();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--help" || w == "-h" {
            p.help = true;
            continue;
        }
        let Some(name) = w.strip_prefix("--") else {
            if p.positional.len() == accepts.positional {
                return Err(Error::usage(cmd, format!("unexpected argument `{w}`")));
            }
            p.positional.push(w.clone());
            continue;
        };
        let (name, inline) = match name.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (name, None),
        };
        if let Some(&o) = accepts.options.iter().find(|o| **o == name) {
            let value = match inline {
                Some(v) => v,
                None if i < words.len() && !words[i].starts_with("--") => {
                    i += 1;
                    words[i - 1].clone()
                }
                None => return Err(Error::usage(cmd, format!("`--{o}` needs a value"))),
            };
            p.options.insert(o, value);
        } else if accepts.list == Some(name) {
            let mut values: Vec<String> = inline.into_iter().collect();
            while i < words.len() && !words[i].starts_with("--") {
                values.push(words[i].clone());
                i += 1;
            }
            p.list = Some(values);
        } else {
            return Err(Error::usage(cmd, format!("unknown option `--{name}`")));
        }
    }
    Ok(p)
}
