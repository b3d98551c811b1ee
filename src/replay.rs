//! Replay commands: the copy-paste command that reproduces one failure.
//!
//! One builder per test tool. Every argument goes through
//! [`crate::text::shell_quote`] and every name used as a pattern through
//! [`regex_escape`], so a test named `$(touch pwned)` or `a.*b` reruns that test
//! and nothing else. Commands are printed, never executed.

use crate::text::shell_quote;

/// Escape regex metacharacters, for tools whose name filter is a regex.
pub fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if matches!(c, '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An anchored regex matching exactly `name`.
fn exact(name: &str) -> String {
    format!("^{}$", regex_escape(name))
}

/// `cargo nextest run` with an exact-name filterset, scoped to the test binary when known.
pub fn nextest(binary_id: Option<&str>, test: &str) -> String {
    let filter = match binary_id {
        Some(bin) if !bin.is_empty() => format!("binary_id({bin}) & test(={test})"),
        _ => format!("test(={test})"),
    };
    format!("cargo nextest run --no-fail-fast -E {}", shell_quote(&filter))
}

/// `cargo test` for one test, in one integration-test target when known.
pub fn cargo_test(test_target: Option<&str>, test: &str) -> String {
    let target = match test_target {
        Some(t) if !t.is_empty() => format!(" --test {}", shell_quote(t)),
        _ => String::new(),
    };
    format!("cargo test{target} -- --exact {}", shell_quote(test))
}

/// pytest by node id (`path::Class::test[param]`).
pub fn pytest(node_id: &str) -> String {
    format!("pytest {}", shell_quote(node_id))
}

/// jest by full test name (`describe blocks` + test title), optionally one file.
pub fn jest(file: Option<&str>, full_name: &str) -> String {
    let file = file.map(|f| format!(" {}", shell_quote(f))).unwrap_or_default();
    format!("npx jest{file} -t {}", shell_quote(&exact(full_name)))
}

/// `go test -run` for a test (and subtest path `TestX/sub/case`) in a package.
pub fn go_test(package: &str, test: &str) -> String {
    // go splits -run on unbracketed slashes and matches each level separately.
    let pattern: Vec<String> = test.split('/').map(exact).collect();
    let pkg = if package.is_empty() { "./...".to_owned() } else { package.to_owned() };
    format!("go test -run {} {}", shell_quote(&pattern.join("/")), shell_quote(&pkg))
}

/// `go test` for a whole package: reproduces a build failure, a `TestMain`
/// failure or anything else that belongs to no single test.
pub fn go_test_package(package: &str) -> String {
    let pkg = if package.is_empty() { "./..." } else { package };
    format!("go test {}", shell_quote(pkg))
}

/// mocha filtered by full title, in one file when known. `exact` anchors both
/// ends; otherwise the title is a prefix (a failing hook's `describe` block).
pub fn mocha(file: Option<&str>, full_title: &str, exact: bool) -> String {
    let file = file.map(|f| format!(" {}", shell_quote(f))).unwrap_or_default();
    let pattern = if exact { self::exact(full_title) } else { format!("^{}", regex_escape(full_title)) };
    format!("npx mocha{file} --grep {}", shell_quote(&pattern))
}

/// bats filtered to one test name, in one file when known.
pub fn bats(file: Option<&str>, name: &str) -> String {
    let file = file.map(|f| format!(" {}", shell_quote(f))).unwrap_or_default();
    format!("bats -f {}{file}", shell_quote(&exact(name)))
}

/// `node --test` filtered to one test name, in one file when known.
pub fn node_test(file: Option<&str>, name: &str) -> String {
    let file = file.map(|f| format!(" {}", shell_quote(f))).unwrap_or_default();
    format!("node --test --test-name-pattern={}{file}", shell_quote(&exact(name)))
}

/// Maven Surefire for one method of one class.
pub fn maven(class: &str, method: Option<&str>) -> String {
    let selector = match method {
        Some(m) if !m.is_empty() => format!("{class}#{m}"),
        _ => class.to_owned(),
    };
    format!("mvn test -Dtest={}", shell_quote(&selector))
}

/// PHPUnit filtered to one test (`Class::method`).
pub fn phpunit(class: Option<&str>, method: &str) -> String {
    let filter = match class {
        Some(c) if !c.is_empty() => format!("{}::{}", regex_escape(c), regex_escape(method)),
        _ => regex_escape(method),
    };
    format!("phpunit --filter {}", shell_quote(&format!("{filter}$")))
}

/// `dotnet test` filtered to one test by its fully qualified name (NUnit's
/// `fullname`, xUnit.net's `type.method`). The filter language gives `(`, `)`,
/// `,`, `&`, `|`, `=`, `!`, `~` and `\\` a meaning; each is escaped, so a
/// parameterized name like `Ns.C.M(1,"a")` selects that case alone.
pub fn dotnet_test(fully_qualified_name: &str) -> String {
    let mut value = String::with_capacity(fully_qualified_name.len() + 8);
    for c in fully_qualified_name.chars() {
        if matches!(c, '\\' | '(' | ')' | ',' | '&' | '|' | '=' | '!' | '~') {
            value.push('\\');
        }
        value.push(c);
    }
    format!("dotnet test --filter {}", shell_quote(&format!("FullyQualifiedName={value}")))
}

/// The Unity editor's test runner on one test: `-testFilter` takes a regex over
/// the full name; `-testPlatform` (`EditMode`, `PlayMode`) when the report names it.
pub fn unity(platform: Option<&str>, full_name: &str) -> String {
    let platform = match platform {
        Some(p) if !p.is_empty() => format!(" -testPlatform {}", shell_quote(p)),
        _ => String::new(),
    };
    format!("Unity -batchmode -projectPath . -runTests{platform} -testFilter {}", shell_quote(&exact(full_name)))
}

/// A user-supplied replay template (`.truegreen.yml` `replay:`), with
/// `{name}`-style placeholders filled by shell-quoted values. Unknown
/// placeholders are left as written so a typo is visible in the output.
pub fn fill_template(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let key = &after[..end];
                match vars.iter().find(|(k, _)| *k == key) {
                    Some((_, value)) => out.push_str(&shell_quote(value)),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_quote_and_anchor() {
        assert_eq!(
            nextest(Some("truegreen::cli"), "a::b"),
            "cargo nextest run --no-fail-fast -E 'binary_id(truegreen::cli) & test(=a::b)'"
        );
        assert_eq!(cargo_test(None, "a::b"), "cargo test -- --exact a::b");
        assert_eq!(pytest("t/test_x.py::TestA::test_b[1-2]"), "pytest 't/test_x.py::TestA::test_b[1-2]'");
        assert_eq!(jest(None, "sum adds"), "npx jest -t '^sum adds$'");
        assert_eq!(go_test("example.com/m/ok", "TestX/sub_case"), "go test -run '^TestX$/^sub_case$' example.com/m/ok");
        assert_eq!(bats(Some("t.bats"), "a (b)"), "bats -f '^a \\(b\\)$' t.bats");
        assert_eq!(node_test(Some("t.mjs"), "adds"), "node --test --test-name-pattern='^adds$' t.mjs");
        assert_eq!(maven("com.x.ATest", Some("m")), "mvn test -Dtest='com.x.ATest#m'");
        assert_eq!(phpunit(Some("A\\BTest"), "testX"), "phpunit --filter 'A\\\\BTest::testX$'");
        assert_eq!(go_test_package("example.com/m/broken"), "go test example.com/m/broken");
        assert_eq!(go_test_package(""), "go test ./...");
        assert_eq!(mocha(Some("t/a.spec.js"), "math adds", true), "npx mocha t/a.spec.js --grep '^math adds$'");
        assert_eq!(mocha(None, "math (hooks)", false), "npx mocha --grep '^math \\(hooks\\)'");
    }

    #[test]
    fn dotnet_filters_escape_the_filter_language() {
        assert_eq!(dotnet_test("Ns.C.M"), "dotnet test --filter FullyQualifiedName=Ns.C.M");
        assert_eq!(
            dotnet_test("Ns.C.M(1,\"a|b\")"),
            "dotnet test --filter 'FullyQualifiedName=Ns.C.M\\(1\\,\"a\\|b\"\\)'"
        );
        assert_eq!(unity(None, "A.B(1)"), "Unity -batchmode -projectPath . -runTests -testFilter '^A\\.B\\(1\\)$'");
        assert_eq!(dotnet_test("$(touch pwned)"), "dotnet test --filter 'FullyQualifiedName=$\\(touch pwned\\)'");
    }

    #[test]
    fn hostile_names_stay_inert() {
        let cmd = pytest("$(touch pwned)");
        assert_eq!(cmd, "pytest '$(touch pwned)'");
        let cmd = jest(None, "it's `rm -rf` $(x)");
        assert!(cmd.starts_with("npx jest -t '^it'\\''s `rm -rf` \\$\\(x\\)$'"), "{cmd}");
    }

    #[test]
    fn templates_fill_known_placeholders_quoted() {
        assert_eq!(
            fill_template("make test T={name} # {unknown}", &[("name", "a b")]),
            "make test T='a b' # {unknown}"
        );
        assert_eq!(fill_template("x {", &[]), "x {");
    }
}
