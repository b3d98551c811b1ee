//! Finding the place in the code under test that a failure points at, for
//! annotations: the first stack frame or `file:line` reference in a failure's
//! text that lies inside the workspace.

use crate::model::SourceLocation;

/// The first `path:line` in `text` whose path is relative (or absolute under
/// `workspace`) and names a source file. Absolute paths elsewhere (the standard
/// library, a registry cache, node_modules) are skipped.
pub fn first_workspace_frame(text: &str, workspace: Option<&str>) -> Option<SourceLocation> {
    let delimiter = |c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"' | '\'' | '<' | '>' | ',');
    // A frame has a `:` followed by a digit; only the tokens holding one are
    // looked at, in order (failure texts are long and mostly words).
    let bytes = text.as_bytes();
    let mut last_start = usize::MAX;
    for colon in memchr::memchr_iter(b':', bytes) {
        if !bytes.get(colon + 1).is_some_and(u8::is_ascii_digit) {
            continue;
        }
        let start =
            text[..colon].rfind(delimiter).map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
        if start == last_start {
            continue;
        }
        last_start = start;
        let end = text[colon..].find(delimiter).map_or(text.len(), |i| colon + i);
        let token = text[start..end].trim_start_matches("at ").trim_end_matches([':', '.', ';']);
        if let Some(loc) = parse_frame(token, workspace) {
            return Some(loc);
        }
    }
    None
}

/// A path as a report names it, relative to the workspace when it lies inside
/// it; a relative path is kept as written, and an absolute path elsewhere is
/// `None` (a path on the machine that wrote the report, not in this checkout).
pub fn workspace_relative(path: &str, workspace: Option<&str>) -> Option<String> {
    let path = path.strip_prefix("file://").unwrap_or(path);
    if !path.starts_with('/') {
        return (!path.is_empty()).then(|| path.strip_prefix("./").unwrap_or(path).to_owned());
    }
    let ws = workspace?.trim_end_matches('/');
    let rest = path.strip_prefix(ws)?.strip_prefix('/')?;
    (!rest.is_empty() && !rest.starts_with("..")).then(|| rest.to_owned())
}

fn parse_frame(token: &str, workspace: Option<&str>) -> Option<SourceLocation> {
    // path:line or path:line:col
    let mut parts = token.rsplitn(3, ':');
    let last = parts.next()?;
    let (path, line) = match (parts.next(), parts.next()) {
        (Some(line), Some(path))
            if line.chars().all(|c| c.is_ascii_digit()) && last.chars().all(|c| c.is_ascii_digit()) =>
        {
            (path, line)
        }
        (Some(path), _) if last.chars().all(|c| c.is_ascii_digit()) => (path, last),
        _ => return None,
    };
    let line: u32 = line.parse().ok().filter(|l| *l > 0)?;
    let file = path.strip_prefix("file://").unwrap_or(path);
    let ext = file.rsplit_once('.').map(|(_, e)| e)?;
    if !SOURCE_EXTENSIONS.contains(&ext) || file.contains("node_modules/") || file.contains("/.cargo/registry/") {
        return None;
    }
    let relative = if let Some(stripped) = file.strip_prefix('/') {
        let ws = workspace?.trim_end_matches('/');
        let rest = stripped.strip_prefix(ws.trim_start_matches('/'))?;
        rest.strip_prefix('/')?
    } else {
        file.strip_prefix("./").unwrap_or(file)
    };
    if relative.starts_with('<') {
        return None;
    }
    Some(SourceLocation { file: lexically_clean(relative)?, line: Some(line) })
}

/// `tests/../src/x.rs` as `src/x.rs` (rustc writes paths relative to the
/// crate as the test binary saw them), so that an annotation lands on the
/// file GitHub knows. `None` for a path that leaves the workspace or is empty.
fn lexically_clean(relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

const SOURCE_EXTENSIONS: &[&str] = &[
    "rs", "py", "js", "mjs", "cjs", "ts", "tsx", "jsx", "go", "java", "kt", "scala", "php", "rb", "bats", "sh", "c",
    "cc", "cpp", "h", "hpp", "cs", "swift", "ex", "exs", "erl", "dart",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(file: &str, line: u32) -> Option<SourceLocation> {
        Some(SourceLocation { file: file.into(), line: Some(line) })
    }

    #[test]
    fn finds_relative_frames_and_skips_foreign_ones() {
        let rust = "thread 'it' panicked at /rustc/abc/library/core/src/panic.rs:5:1:\nat tests/api.rs:42:9:\nassertion failed";
        assert_eq!(first_workspace_frame(rust, None), loc("tests/api.rs", 42));
        let py = "tests/test_x.py:17: in test_b\n    assert 1 == 2";
        assert_eq!(first_workspace_frame(py, None), loc("tests/test_x.py", 17));
        let js =
            "at Object.<anonymous> (/home/runner/work/app/app/src/sum.test.js:7:19)\n at node_modules/jest/x.js:1:1";
        assert_eq!(first_workspace_frame(js, Some("/home/runner/work/app/app")), loc("src/sum.test.js", 7));
        assert_eq!(first_workspace_frame(js, None), None);
        assert_eq!(first_workspace_frame("    ok_test.go:23: want 1", None), loc("ok_test.go", 23));
    }

    #[test]
    fn frames_through_parent_folders_name_the_file_itself() {
        let text = "thread 'shared::fails' panicked at tests/../src/shared.rs:12:5:\nassertion failed";
        assert_eq!(first_workspace_frame(text, None), loc("src/shared.rs", 12));
        assert_eq!(first_workspace_frame("at ./a/./b/../c.py:3", None), loc("a/c.py", 3));
        assert_eq!(first_workspace_frame("at src/../../x.rs:3", None), None, "leaves the workspace");
    }

    #[test]
    fn rejects_non_source_and_escaping_paths() {
        assert_eq!(first_workspace_frame("see notes.txt:3", None), None);
        assert_eq!(first_workspace_frame("../outside.rs:3", None), None);
        assert_eq!(first_workspace_frame("time 12:30:45", None), None);
    }

    /// The straightforward scan the fast one must agree with.
    fn reference(text: &str, workspace: Option<&str>) -> Option<SourceLocation> {
        text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"' | '\'' | '<' | '>' | ','))
            .find_map(|t| parse_frame(t.trim_start_matches("at ").trim_end_matches([':', '.', ';']), workspace))
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_a_token_by_token_scan(parts in proptest::collection::vec(proptest::sample::select(vec![
            "src/a.rs:12:3", "at ", "(", ")", " ", "\n", "x.py:7:", "\u{e9}", ":", "9", "foo", "/w/a.js:1", "\u{a0}",
            "b.go:0", "t.ts:5;", "'", "<", ",", "node_modules/x.js:3", "::", "c.rs:x:1",
        ]), 0..24)) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(first_workspace_frame(&text, Some("/w")), reference(&text, Some("/w")));
        }
    }
}
