//! Why a test vanished, from git: the commits of the baseline and of this run
//! are both in the checkout, and the test's source file was deleted between
//! them, or changed so that the test's name no longer appears in it.
//!
//! A change that leaves the name in the file explains nothing: a module-level
//! skip, a committed `.only`, a build tag or an emptied parameter list all
//! keep the test's name where it was, and they are what this check is for.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::compare::{Change, Comparison, Group};

/// Source files larger than this are not read for names: not explained.
const MAX_SOURCE_BYTES: usize = 8 << 20;

/// A file changed between the two commits.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Changed {
    /// `D`eleted, `R`enamed, `M`odified (or any other git status letter).
    status: char,
    /// The path in the baseline's commit.
    old: String,
    /// The path in this run's commit (the same as `old` unless renamed).
    new: String,
}

/// What git can tell, or why it cannot.
pub enum Git {
    Diff { base: String, head: String, changed: Vec<ChangedFile>, dir: PathBuf },
    Unavailable(String),
}

/// Public view of a changed file, for tests and display.
pub type ChangedFile = (char, String, String);

impl Git {
    /// Ask git in `dir` what changed from `base` to `head` (HEAD when `None`).
    pub fn diff(dir: &Path, base: Option<&str>, head: Option<&str>) -> Self {
        let Some(base) = base.filter(|b| is_commit_like(b)) else {
            return Self::Unavailable("the baseline records no commit".to_owned());
        };
        let head = match head.filter(|h| is_commit_like(h)) {
            Some(h) => h.to_owned(),
            None => match git(dir, &["rev-parse", "--verify", "-q", "HEAD^{commit}"]) {
                Some(out) => String::from_utf8_lossy(&out).trim().to_owned(),
                None => return Self::Unavailable("no git checkout here".to_owned()),
            },
        };
        for commit in [base, head.as_str()] {
            if git(dir, &["cat-file", "-e", &format!("{commit}^{{commit}}")]).is_none() {
                return Self::Unavailable(format!(
                    "commit {} is not in this checkout (fetch more history, e.g. fetch-depth: 0)",
                    short(commit)
                ));
            }
        }
        let Some(out) = git(dir, &["diff", "--name-status", "-M", "-z", base, &head, "--"]) else {
            return Self::Unavailable("git diff failed".to_owned());
        };
        let changed = parse_name_status(&out).into_iter().map(|c| (c.status, c.old, c.new)).collect();
        Self::Diff { base: base.to_owned(), head, changed, dir: dir.to_path_buf() }
    }
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(12)]
}

/// Only what a commit id or ref can look like reaches git's command line.
fn is_commit_like(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && !text.starts_with('-')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '.' | '-'))
}

fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out =
        Command::new("git").arg("-C").arg(dir).args(args).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then_some(out.stdout)
}

fn parse_name_status(out: &[u8]) -> Vec<Changed> {
    let mut fields = out.split(|b| *b == 0).map(|f| String::from_utf8_lossy(f).into_owned());
    let mut changed = Vec::new();
    while let Some(status) = fields.next() {
        let Some(letter) = status.chars().next() else { break };
        let Some(old) = fields.next() else { break };
        let new = if matches!(letter, 'R' | 'C') { fields.next().unwrap_or_else(|| old.clone()) } else { old.clone() };
        changed.push(Changed { status: letter, old, new });
    }
    changed
}

/// Split every vanished group into what git explains and what it does not.
/// Explained groups get a reason; a group whose listed names do not cover all
/// its tests is explained only if its file was deleted (the unlisted names
/// cannot be looked for).
pub fn explain(comparison: &mut Comparison, git: &Git) {
    let Git::Diff { head, changed, dir, .. } = git else { return };
    let changed: Vec<Changed> =
        changed.iter().map(|(s, o, n)| Changed { status: *s, old: o.clone(), new: n.clone() }).collect();
    let mut out: Vec<Group> = Vec::with_capacity(comparison.groups.len());
    let added: Vec<Group> = comparison.groups_of(Change::Added).cloned().collect();
    for group in std::mem::take(&mut comparison.groups) {
        if group.change != Change::Vanished || group.explained.is_some() {
            out.push(group);
            continue;
        }
        let files = candidates(&group.suite, &group.names, &changed);
        let Some(first) = files.first() else {
            out.push(group);
            continue;
        };
        let group = Group { file: Some(first.new.clone()), ..group };
        if let Some(deleted) = files.iter().find(|c| c.status == 'D') {
            let explained = Some(format!("{} was deleted", deleted.old));
            out.push(Group { explained, file: Some(deleted.old.clone()), ..group });
            continue;
        }
        let sources: Vec<(String, Option<String>)> =
            files.iter().map(|c| (c.new.clone(), read_at(dir, head, &c.new))).collect();
        let (gone, kept): (Vec<String>, Vec<String>) = group.names.iter().cloned().partition(|name| {
            let tokens = name_tokens(name);
            !tokens.is_empty()
                && sources
                    .iter()
                    .all(|(_, text)| text.as_deref().is_some_and(|t| tokens.iter().all(|k| !t.contains(k.as_str()))))
        });
        let unlisted = group.unlisted();
        if gone.is_empty() {
            out.push(group);
            continue;
        }
        let files_named: Vec<&str> = sources.iter().map(|(p, _)| p.as_str()).collect();
        let reason = format!("{} changed and no longer names the test", files_named.join(", "));
        let rename = single_rename(&group, &gone, &added);
        let explained = Group {
            count: gone.len() as u64,
            names: gone,
            explained: Some(reason),
            renamed_to: rename,
            whole_suite: false,
            whole_report: false,
            ..group.clone()
        };
        out.push(explained);
        if !kept.is_empty() || unlisted > 0 {
            out.push(Group { count: kept.len() as u64 + unlisted, names: kept, ..group });
        }
    }
    comparison.groups = out;
}

/// One test removed from its file and one added in the same suite: a rename.
fn single_rename(group: &Group, gone: &[String], added: &[Group]) -> Option<String> {
    if gone.len() != 1 {
        return None;
    }
    let mut same_suite = added.iter().filter(|a| a.format == group.format && a.suite == group.suite);
    let only = same_suite.next()?;
    (same_suite.next().is_none() && only.count == 1).then(|| only.names.first().cloned()).flatten()
}

/// The file's text at `commit`, if it is text and not too large.
fn read_at(dir: &Path, commit: &str, path: &str) -> Option<String> {
    let out = git(dir, &["show", &format!("{commit}:{path}")])?;
    (out.len() <= MAX_SOURCE_BYTES).then(|| String::from_utf8_lossy(&out).into_owned())
}

/// The words of a test's name that its source must contain while the test
/// exists: the name without parameters, and its last segment.
fn name_tokens(name: &str) -> Vec<String> {
    let bare = name.split(['[', '(']).next().unwrap_or(name).trim();
    let mut tokens = Vec::new();
    let last = bare.rsplit(['/', ':', '.', '›', '>', '#']).map(str::trim).find(|s| !s.is_empty());
    for token in [Some(bare), last].into_iter().flatten() {
        // Too short to say anything: any file would contain it.
        if token.chars().count() >= 3 && !tokens.iter().any(|t: &String| t == token) {
            tokens.push(token.to_owned());
        }
    }
    // Go writes a subtest's spaces as underscores.
    if let Some(last) = last.filter(|l| l.contains('_') && bare.contains('/')) {
        let spaced = last.replace('_', " ");
        if !tokens.contains(&spaced) {
            tokens.push(spaced);
        }
    }
    tokens
}

/// The changed files a suite's tests can live in.
fn candidates<'c>(suite: &str, names: &[String], changed: &'c [Changed]) -> Vec<&'c Changed> {
    let suite = suite.trim();
    let mut found: Vec<&Changed> = Vec::new();
    let mut take = |pred: &dyn Fn(&Changed) -> bool| -> bool {
        for c in changed.iter().filter(|c| pred(c)) {
            if !found.contains(&c) {
                found.push(c);
            }
        }
        !found.is_empty()
    };
    // A suite that is a path (Jest, Vitest, Playwright, RSpec, CTRF files).
    if suite.contains('/')
        && suite.contains('.')
        && take(&|c| ends_with_path(&c.old, suite) || ends_with_path(suite, &c.old))
    {
        return found;
    }
    // A dotted module or class (pytest, JUnit, .NET): the longest prefix that
    // is a file's path without its extension.
    if !suite.is_empty() && !suite.contains('/') {
        let parts: Vec<&str> = suite.split(['.', ':']).filter(|p| !p.is_empty()).collect();
        for k in (1..=parts.len()).rev() {
            let tail = parts[..k].join("/");
            if take(&|c| ends_with_path(stem(&c.old), &tail)) {
                return found;
            }
        }
    }
    // Go (go test -json, or JUnit from gotestsum/go-junit-report): the
    // package's import path ends with the directory of its test files.
    let in_package = |c: &Changed| {
        c.old.ends_with("_test.go") && c.old.rsplit_once('/').is_some_and(|(dir, _)| ends_with_path(suite, dir))
    };
    if take(&in_package) {
        return found;
    }
    // No suite to go by (cargo's test binaries): the name's module path.
    for name in names {
        if let Some((module, _)) = name.rsplit_once("::") {
            let tail = module.replace("::", "/");
            take(&|c| ends_with_path(stem(&c.old), &tail) || ends_with_path(&c.old, &format!("{tail}/mod.rs")));
        }
    }
    found
}

fn stem(path: &str) -> &str {
    path.rsplit_once('.').map_or(path, |(stem, _)| stem)
}

/// `path` is `tail`, or ends with `/tail`.
fn ends_with_path(path: &str, tail: &str) -> bool {
    !tail.is_empty() && path.strip_suffix(tail).is_some_and(|head| head.is_empty() || head.ends_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;

    fn changed(list: &[(char, &str, &str)]) -> Vec<Changed> {
        list.iter().map(|(s, o, n)| Changed { status: *s, old: (*o).into(), new: (*n).into() }).collect()
    }

    #[test]
    fn name_status_is_parsed_with_renames() {
        let parsed = parse_name_status(b"M\0a.py\0R097\0old.py\0new.py\0D\0gone.py\0");
        assert_eq!(parsed, changed(&[('M', "a.py", "a.py"), ('R', "old.py", "new.py"), ('D', "gone.py", "gone.py")]));
    }

    #[test]
    fn a_suite_finds_its_file_by_each_producers_naming() {
        let files = changed(&[
            ('M', "tests/test_api.py", "tests/test_api.py"),
            ('M', "src/math.test.js", "src/math.test.js"),
            ('M', "pkg/calc/calc_test.go", "pkg/calc/calc_test.go"),
            ('M', "src/test/java/com/x/FooTest.java", "src/test/java/com/x/FooTest.java"),
        ]);
        let paths = |_format: Format, suite: &str| -> Vec<String> {
            candidates(suite, &[], &files).into_iter().map(|c| c.old.clone()).collect()
        };
        assert_eq!(paths(Format::Junit, "tests.test_api"), ["tests/test_api.py"]);
        assert_eq!(paths(Format::Junit, "tests.test_api.TestClass"), ["tests/test_api.py"]);
        assert_eq!(paths(Format::JestJson, "src/math.test.js"), ["src/math.test.js"]);
        assert_eq!(paths(Format::GoTestJson, "example.com/m/pkg/calc"), ["pkg/calc/calc_test.go"]);
        assert_eq!(paths(Format::Junit, "com.x.FooTest"), ["src/test/java/com/x/FooTest.java"]);
        assert!(paths(Format::Junit, "tests.test_other").is_empty());
    }

    #[test]
    fn a_name_is_looked_for_by_its_words() {
        assert_eq!(name_tokens("test_foo[param-1]"), ["test_foo"]);
        assert_eq!(
            name_tokens("TestSum/adds_negatives"),
            ["TestSum/adds_negatives", "adds_negatives", "adds negatives"]
        );
        assert_eq!(name_tokens("math › adds"), ["math › adds", "adds"]);
        assert_eq!(name_tokens("a"), Vec::<String>::new());
    }
}
