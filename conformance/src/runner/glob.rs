//! Shell-style patterns for kernel names: `*` matches any run of
//! characters (including `/`), `?` one character; everything else is
//! literal.

/// Whether `name` matches `pattern` as a whole.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether a `--kernel` selector picks `name`: a glob, or (without
/// wildcards) the exact name or a category (`math` picks `math/...`).
pub fn selects(selector: &str, name: &str) -> bool {
    if selector.contains(['*', '?']) {
        glob_match(selector, name)
    } else {
        name == selector || name.starts_with(&format!("{}/", selector.trim_end_matches('/')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("math/*", "math/sin"));
        assert!(glob_match("*sin*", "math/sin_cos"));
        assert!(glob_match("m?th/s*n", "math/sin"));
        assert!(!glob_match("math/*", "linalg/x"));
        assert!(!glob_match("math", "math/sin"));
        assert!(glob_match("*", ""));
        assert!(selects("math", "math/sin"));
        assert!(selects("math/sin", "math/sin"));
        assert!(!selects("mat", "math/sin"));
    }
}
