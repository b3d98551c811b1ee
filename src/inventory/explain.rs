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
pub struct Changed {
    /// `D`eleted, `R`enamed, `M`odified (or any other git status letter).
    pub status: char,
    /// The path in the baseline's commit.
    pub old: String,
    /// The path in this run's commit (the same as `old` unless renamed).
    pub new: String,
}

/// What git can tell, or why it cannot.
pub enum Git {
    Diff { base: String, head: String, changed: Vec<Changed>, dir: PathBuf },
    Unavailable(String),
}

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
        let changed = parse_name_status(&out);
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
    let Git::Diff { base, head, changed, dir } = git else { return };
    let added: Vec<Group> = comparison.groups_of(Change::Added).cloned().collect();
    let added_names: std::collections::HashSet<&str> =
        added.iter().flat_map(|g| g.names.iter().map(String::as_str)).collect();
    let mut texts = Sources { dir, base, head, read: std::collections::HashMap::new() };
    let mut out: Vec<Group> = Vec::with_capacity(comparison.groups.len());
    for group in std::mem::take(&mut comparison.groups) {
        if group.change != Change::Vanished || group.explained.is_some() {
            out.push(group);
            continue;
        }
        let files = candidates(&group.suite, &group.names, changed);
        let group = Group { file: files.first().map(|c| c.new.clone()), ..group };
        if let Some(deleted) = files.iter().find(|c| c.status == 'D') {
            let explained = Some(format!("{} was deleted", deleted.old));
            out.push(Group { explained, file: Some(deleted.old.clone()), ..group });
            continue;
        }
        // Each listed name: why it is gone, if the sources say so.
        let mut reasons: Vec<(String, Option<Reason>)> = Vec::new();
        for name in &group.names {
            let why = if files.is_empty() {
                texts.no_longer_named_anywhere(name, changed)
            } else {
                texts.no_longer_named_in(name, &files, &added_names)
            };
            reasons.push((name.clone(), why));
        }
        let unlisted = group.unlisted();
        let mut kept = Vec::new();
        let mut explained: Vec<Group> = Vec::new();
        for (name, why) in reasons {
            let Some((reason, file)) = why else {
                kept.push(name);
                continue;
            };
            match explained.iter_mut().find(|g| g.explained.as_deref() == Some(reason.as_str())) {
                Some(g) => {
                    g.count += 1;
                    g.names.push(name);
                }
                None => explained.push(Group {
                    count: 1,
                    names: vec![name],
                    explained: Some(reason),
                    file: file.or_else(|| group.file.clone()),
                    whole_suite: false,
                    whole_report: false,
                    ..group.clone()
                }),
            }
        }
        if explained.is_empty() {
            out.push(group);
            continue;
        }
        for g in &mut explained {
            g.renamed_to = single_rename(&group, &g.names, &added);
        }
        out.extend(explained);
        if !kept.is_empty() || unlisted > 0 {
            out.push(Group { count: kept.len() as u64 + unlisted, names: kept, ..group });
        }
    }
    comparison.groups = out;
}

/// Why a test is gone, and the file that shows it when it is not the suite's.
type Reason = (String, Option<String>);

/// Source files as git has them at the two commits, each read once.
struct Sources<'g> {
    dir: &'g Path,
    base: &'g str,
    head: &'g str,
    read: std::collections::HashMap<(bool, String), Option<String>>,
}

/// Changed files looked through for a test whose suite names no file.
const MAX_FILES_SEARCHED: usize = 200;

impl Sources<'_> {
    fn text(&mut self, at_head: bool, path: &str) -> Option<&str> {
        let commit = if at_head { self.head } else { self.base };
        let (dir, key) = (self.dir, (at_head, path.to_owned()));
        self.read.entry(key).or_insert_with(|| read_at(dir, commit, path)).as_deref()
    }

    fn names(&mut self, at_head: bool, path: &str, name: &str) -> Option<bool> {
        let tokens = name_tokens(name);
        if tokens.is_empty() {
            return None;
        }
        let text = self.text(at_head, path)?;
        Some(tokens.iter().any(|k| names_test(path, text, k)))
    }

    /// The suite's files: a renamed file explains a test only when the same
    /// test was added under another suite (it moved with its file; a file
    /// the runner no longer collects keeps its tests and loses them from the
    /// run); a changed file when it no longer names the test.
    fn no_longer_named_in(
        &mut self,
        name: &str,
        files: &[&Changed],
        added: &std::collections::HashSet<&str>,
    ) -> Option<Reason> {
        if let Some(moved) = files.iter().find(|c| c.status == 'R')
            && added.contains(name)
        {
            return Some((format!("it moved with its file, {} to {}", moved.old, moved.new), Some(moved.new.clone())));
        }
        let modified: Vec<&&Changed> = files.iter().filter(|c| c.status == 'M').collect();
        if modified.is_empty() || files.iter().any(|c| c.status == 'R') {
            return None;
        }
        for c in &modified {
            if self.names(true, &c.new, name) != Some(false) {
                return None;
            }
        }
        let paths: Vec<&str> = modified.iter().map(|c| c.new.as_str()).collect();
        Some((format!("{} changed and no longer names the test", paths.join(", ")), None))
    }

    /// No file to go by (TAP, bats): a changed file that named the test at
    /// the baseline's commit and does not now.
    fn no_longer_named_anywhere(&mut self, name: &str, changed: &[Changed]) -> Option<Reason> {
        let modified = changed.iter().filter(|c| c.status == 'M').take(MAX_FILES_SEARCHED);
        let mut found = None;
        for c in modified {
            if self.names(false, &c.old, name) == Some(true) {
                if self.names(true, &c.new, name) != Some(false) {
                    return None;
                }
                found.get_or_insert_with(|| c.new.clone());
            }
        }
        let file = found?;
        Some((format!("{file} changed and no longer names the test"), Some(file)))
    }
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

/// Whether `source` (the file at `path`) still names a test by `token`: as a
/// whole word (`test_total` is not named by `test_total_of_two_items`), and in
/// Rust as a function (`fn total`), since a Rust test sits beside the code it
/// tests, which may well use the same word.
fn names_test(path: &str, source: &str, token: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let rust = path.ends_with(".rs") && token.chars().all(is_word);
    let mut from = 0;
    while let Some(at) = source[from..].find(token) {
        let start = from + at;
        let end = start + token.len();
        let before = source[..start].chars().next_back();
        let after = source[end..].chars().next();
        let joined_before = token.starts_with(is_word) && before.is_some_and(is_word);
        let joined_after = token.ends_with(is_word) && after.is_some_and(is_word);
        let whole = !joined_before && !joined_after;
        let defined = !rust || source[..start].trim_end().ends_with("fn");
        if whole && defined {
            return true;
        }
        from = end;
    }
    false
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
    // Jest and Mocha join the describe blocks and the title with spaces: the
    // title's last words are what the file spells.
    let words: Vec<&str> = bare.split_whitespace().collect();
    for k in (2..words.len()).rev() {
        let suffix = words[words.len() - k..].join(" ");
        let starts_with_a_word = words[words.len() - k].chars().any(char::is_alphanumeric);
        if starts_with_a_word && !tokens.contains(&suffix) {
            tokens.push(suffix);
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
    // cargo's test binaries: `unittests src/lib.rs (target/…)`, `tests/cart.rs (target/…)`.
    if let Some(file) = cargo_source(suite)
        && take(&|c| c.old == file)
    {
        return found;
    }
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

/// The source file of a cargo test binary's label, as cargo prints it.
fn cargo_source(suite: &str) -> Option<&str> {
    let label = suite.strip_prefix("unittests ").unwrap_or(suite);
    let (file, _) = label.split_once(" (")?;
    file.ends_with(".rs").then_some(file)
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
    fn a_name_is_found_as_a_whole_word_and_in_rust_as_a_function() {
        assert!(names_test("t.py", "def test_total(): pass", "test_total"));
        assert!(!names_test("t.py", "def test_total_of_two(): pass", "test_total"));
        assert!(!names_test("t.go", "func TestTotalOfTwo(t *testing.T)", "TestTotal"));
        assert!(names_test("a.test.js", "test('adds numbers', () => {})", "adds numbers"));
        assert!(names_test("lib.rs", "    #[test]\n    fn total() {}", "total"));
        assert!(!names_test("lib.rs", "pub fn sum() -> u32 { total }\nfn total_of_two() {}", "total"));
        assert_eq!(cargo_source("unittests src/lib.rs (target/debug/deps/shop)"), Some("src/lib.rs"));
        assert_eq!(cargo_source("tests/cart.rs (target/debug/deps/cart)"), Some("tests/cart.rs"));
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
        assert_eq!(name_tokens("price adds tax"), ["price adds tax", "adds tax"]);
    }
}
