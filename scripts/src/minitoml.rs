//! A parser for the TOML subset used by `qemu/arches.toml`: `[table]`
//! headers and one-line `key = value` pairs whose value is a basic string,
//! an integer, a boolean or a one-line array of strings. `#` comments.
//! Anything else is an error naming the line, so the data file cannot
//! silently drift into syntax this parser ignores.

use crate::Result;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(i64),
    Bool(bool),
    Array(Vec<String>),
}

/// A table: its name and its keys in file order.
#[derive(Debug, Default)]
pub struct Table {
    pub name: String,
    pub entries: Vec<(String, Value)>,
}

pub fn parse(text: &str) -> Result<Vec<Table>> {
    let mut tables: Vec<Table> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let err = |msg: &str| format!("line {line_no}: {msg}: `{}`", raw.trim());
        let mut cur = Cursor { s: raw, i: 0 };
        cur.skip_ws();
        if cur.at_end_or_comment() {
            continue;
        }
        if cur.eat('[') {
            let name = cur.bare_key().ok_or_else(|| err("bad table name"))?;
            if !cur.eat(']') {
                return Err(err("expected `]`").into());
            }
            cur.skip_ws();
            if !cur.at_end_or_comment() {
                return Err(err("trailing text after table header").into());
            }
            if tables.iter().any(|t| t.name == name) {
                return Err(err("duplicate table").into());
            }
            tables.push(Table {
                name,
                entries: Vec::new(),
            });
            continue;
        }
        let key = cur.bare_key().ok_or_else(|| err("expected a key"))?;
        cur.skip_ws();
        if !cur.eat('=') {
            return Err(err("expected `=`").into());
        }
        cur.skip_ws();
        let value = cur.value().map_err(|m| err(&m))?;
        cur.skip_ws();
        if !cur.at_end_or_comment() {
            return Err(err("trailing text after value").into());
        }
        let table = tables
            .last_mut()
            .ok_or_else(|| err("key outside of any [table]"))?;
        if table.entries.iter().any(|(k, _)| *k == key) {
            return Err(err("duplicate key").into());
        }
        table.entries.push((key, value));
    }
    Ok(tables)
}

struct Cursor<'a> {
    s: &'a str,
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.s[self.i..].chars().next()
    }
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        Some(c)
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.i += c.len_utf8();
            true
        } else {
            false
        }
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.i += 1;
        }
    }
    fn at_end_or_comment(&self) -> bool {
        matches!(self.peek(), None | Some('#'))
    }
    fn bare_key(&mut self) -> Option<String> {
        let start = self.i;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            self.i += 1;
        }
        (self.i > start).then(|| self.s[start..self.i].to_string())
    }
    fn value(&mut self) -> std::result::Result<Value, String> {
        match self.peek() {
            Some('"') => self.string().map(Value::Str),
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.eat(']') {
                        return Ok(Value::Array(items));
                    }
                    items.push(self.string()?);
                    self.skip_ws();
                    if !self.eat(',') {
                        self.skip_ws();
                        if self.eat(']') {
                            return Ok(Value::Array(items));
                        }
                        return Err("expected `,` or `]` in array".into());
                    }
                }
            }
            _ => {
                let start = self.i;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    self.i += 1;
                }
                let word = &self.s[start..self.i];
                match word {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    _ => word
                        .replace('_', "")
                        .parse()
                        .map(Value::Int)
                        .map_err(|_| "expected a string, integer, boolean or array".into()),
                }
            }
        }
    }
    fn string(&mut self) -> std::result::Result<String, String> {
        if !self.eat('"') {
            return Err("expected a string".into());
        }
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err("unterminated string".into()),
                Some('"') => return Ok(out),
                Some('\\') => match self.bump() {
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    _ => return Err("unsupported escape in string".into()),
                },
                Some(c) => out.push(c),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_subset() {
        let t = parse(
            "# c\n[a]\ns = \"x \\\"y\\\" # not a comment\" # c\nn = 4_096\nb = true\n\
             arr = [\"-L\", \"{sysroot}\",]\nempty = []\n[b-2]\n",
        )
        .unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].name, "a");
        assert_eq!(
            t[0].entries,
            vec![
                ("s".into(), Value::Str("x \"y\" # not a comment".into())),
                ("n".into(), Value::Int(4096)),
                ("b".into(), Value::Bool(true)),
                (
                    "arr".into(),
                    Value::Array(vec!["-L".into(), "{sysroot}".into()])
                ),
                ("empty".into(), Value::Array(vec![])),
            ]
        );
        assert_eq!(t[1].name, "b-2");
    }

    #[test]
    fn rejects_what_it_does_not_understand() {
        for bad in [
            "k = 1",
            "[a]\nk = 1.5",
            "[a]\nk = 'lit'",
            "[a]\nk = [1]",
            "[a]\nk = \"x",
            "[a]\nk = 1\nk = 2",
            "[a]\n[a]",
            "[a.b]",
            "[a]\nk = \"x\" y",
        ] {
            assert!(parse(bad).is_err(), "accepted: {bad:?}");
        }
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("[a]\n\nk = nope").unwrap_err().to_string();
        assert!(e.starts_with("line 3:"), "{e}");
    }
}
