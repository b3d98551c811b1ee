//! Which test is which across two runs: a test's identity is its format, suite
//! and name, each normalized so that what varies from run to run of the same
//! tool (an object's address in a parameter id, cargo's hash in a test
//! binary's name, a path under another checkout) does not make it a new test.

use std::hash::{BuildHasher, Hasher};

use crate::model::Format;

/// Normalize a suite or test name into `out`: trimmed, runs of whitespace as
/// one space, memory addresses (`0x7f3a2c1b4e90`) masked, cargo's 16-hex-digit
/// artifact hashes (`truegreen-1a2b…`) dropped, and a path under `workspace`
/// made relative to it.
pub fn normalize_into(text: &str, workspace: Option<&str>, out: &mut String) {
    out.clear();
    let text = strip_workspace(text.trim(), workspace);
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut pending_space = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            pending_space = !out.is_empty();
            i += 1;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if b == b'0' && starts_word && matches!(bytes.get(i + 1), Some(b'x' | b'X')) {
            let digits = hex_run(&bytes[i + 2..]);
            if digits >= 6 {
                out.push_str("0x?");
                i += 2 + digits;
                continue;
            }
        }
        if b == b'-' {
            let digits = hex_run(&bytes[i + 1..]);
            let ends = bytes.get(i + 1 + digits).is_none_or(|c| !c.is_ascii_alphanumeric());
            if digits == 16 && ends {
                i += 1 + digits;
                continue;
            }
        }
        // Copy up to the next byte that needs a look; char boundaries are kept
        // because every byte looked at is ASCII.
        let start = i;
        i += 1;
        while i < bytes.len() && !matches!(bytes[i], b'0' | b'-') && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        out.push_str(&text[start..i]);
    }
}

fn hex_run(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_hexdigit()).count()
}

fn strip_workspace<'a>(text: &'a str, workspace: Option<&str>) -> &'a str {
    let Some(root) = workspace.map(|w| w.trim_end_matches('/')).filter(|w| !w.is_empty()) else { return text };
    match text.strip_prefix(root) {
        Some(rest) if rest.starts_with('/') => &rest[1..],
        _ => text,
    }
}

/// The hasher of identities: fixed, so that one build gives the same id to the
/// same test in both inventories (ids are never stored, only recomputed).
fn hasher() -> impl Hasher {
    foldhash::quality::FixedState::with_seed(0x7472_7565_6772_6565).build_hasher()
}

/// A test's identity from its normalized suite and name.
pub fn test_id(format: Format, suite: &str, name: &str) -> u64 {
    let mut h = hasher();
    h.write(format.id().as_bytes());
    h.write_u8(0xff);
    h.write(suite.as_bytes());
    h.write_u8(0xff);
    h.write(name.as_bytes());
    h.finish()
}

/// A suite's identity from its normalized name.
pub fn suite_id(format: Format, suite: &str) -> u64 {
    let mut h = hasher();
    h.write(format.id().as_bytes());
    h.write_u8(0xfe);
    h.write(suite.as_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str, workspace: Option<&str>) -> String {
        let mut out = String::new();
        normalize_into(text, workspace, &mut out);
        out
    }

    #[test]
    fn what_varies_between_runs_is_masked() {
        assert_eq!(norm("  test_obj[<Foo object at 0x7f3a2c1b4e90>] ", None), "test_obj[<Foo object at 0x?>]");
        assert_eq!(
            norm("unittests src/lib.rs (target/debug/deps/truegreen-1a2b3c4d5e6f7a8b)", None),
            "unittests src/lib.rs (target/debug/deps/truegreen)"
        );
        assert_eq!(norm("a \t\n b", None), "a b");
        assert_eq!(norm("/home/runner/work/r/r/src/a.test.js", Some("/home/runner/work/r/r/")), "src/a.test.js");
    }

    #[test]
    fn what_tells_tests_apart_is_kept() {
        assert_eq!(norm("test[0x1f]", None), "test[0x1f]", "short hex is a parameter");
        assert_eq!(norm("case-1a2b3c4d5e6f7a8b9", None), "case-1a2b3c4d5e6f7a8b9", "17 digits is not a hash");
        assert_eq!(norm("naïve-test 0", None), "naïve-test 0");
        assert_eq!(norm("/elsewhere/a.js", Some("/home/r")), "/elsewhere/a.js");
        assert_ne!(test_id(Format::Junit, "a", "b c"), test_id(Format::Junit, "a b", "c"));
        assert_ne!(test_id(Format::Junit, "a", "b"), test_id(Format::Ctrf, "a", "b"));
    }
}
