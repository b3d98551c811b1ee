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

/// `bun test` by full name (describe path and title, joined by spaces),
/// optionally one file: a path bun takes as that file, not as a filter.
pub fn bun(file: Option<&str>, full_name: &str) -> String {
    let file = file.map(|f| {
        let path = if f.starts_with('/') || f.starts_with("./") { f.to_owned() } else { format!("./{f}") };
        format!(" {}", shell_quote(&path))
    });
    format!("bun test{} -t {}", file.unwrap_or_default(), shell_quote(&exact(full_name)))
}

/// `deno test` filtered to one test by name, optionally one file.
pub fn deno(file: Option<&str>, name: &str) -> String {
    let file = file.map(|f| format!(" {}", shell_quote(f))).unwrap_or_default();
    format!("deno test{file} --filter {}", shell_quote(&format!("/{}/", exact(name))))
}

/// The name node's `--test-name-pattern` reruns a test by: its own when it is
/// top-level, else its outermost ancestor's. A subtest made by `t.test` is only
/// registered while its parent runs, so a pattern naming it alone runs nothing
/// (node 20) or passes the file (node 22, 24); a matching top-level test or
/// `describe` runs everything inside it.
pub fn node_filter<'a>(name: &'a str, suite: Option<&'a str>) -> &'a str {
    suite.and_then(|s| s.split(" > ").next()).filter(|top| !top.is_empty()).unwrap_or(name)
}

/// Python's unittest by dotted name (`module.Class.method`, or a class).
pub fn python_unittest(target: &str) -> String {
    format!("python -m unittest {}", shell_quote(target))
}

/// nose2 by dotted name (`module.Class.method`, `module.test_params:2`, a
/// class or a module).
pub fn nose2(target: &str) -> String {
    format!("nose2 {}", shell_quote(target))
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

/// A whole Jest test file (one that failed to load), or the whole run.
pub fn jest_file(file: Option<&str>) -> String {
    let file = file.map(|f| format!(" {}", shell_quote(f))).unwrap_or_default();
    format!("npx jest{file}")
}

/// `vitest run` by full test name (describe blocks + test title), optionally one file.
pub fn vitest(file: Option<&str>, full_name: &str) -> String {
    let file = file.map(|f| format!(" {}", shell_quote(f))).unwrap_or_default();
    format!("npx vitest run{file} -t {}", shell_quote(&exact(full_name)))
}

/// A whole Vitest test file (one that failed to load), or the whole run.
pub fn vitest_file(file: Option<&str>) -> String {
    let file = file.map(|f| format!(" {}", shell_quote(f))).unwrap_or_default();
    format!("npx vitest run{file}")
}

/// Playwright Test for one test by its file and line (`file:line` is
/// Playwright's own selector), in one project when the report names it.
pub fn playwright(file: &str, line: Option<u64>, project: Option<&str>) -> String {
    let location = match line {
        Some(line) => format!("{file}:{line}"),
        None => file.to_owned(),
    };
    let project = match project {
        Some(p) if !p.is_empty() => format!(" --project {}", shell_quote(p)),
        _ => String::new(),
    };
    format!("npx playwright test {}{project}", shell_quote(&location))
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

/// cucumber-js, by a regex over scenario (pickle) names when one is known.
pub fn cucumber(name_filter: Option<&str>) -> String {
    match name_filter {
        Some(filter) => format!("npx cucumber-js --name {}", shell_quote(filter)),
        None => "npx cucumber-js".to_owned(),
    }
}

/// behave, by the feature file and a line of the scenario (or of one of its
/// steps): behave runs the scenario that holds the line.
pub fn behave(file_and_line: &str) -> String {
    format!("behave {}", shell_quote(file_and_line))
}

/// jasmine filtered by a regex over a spec's full name, over every spec
/// file of its config: the report does not say which file holds the spec.
pub fn jasmine(filter: &str) -> String {
    format!("npx jasmine {}", shell_quote(&format!("--filter={filter}")))
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

/// CTest for one test by exact name (also GoogleTest's `Suite.Name`, as
/// `gtest_discover_tests` registers it).
pub fn ctest(name: &str) -> String {
    format!("ctest --output-on-failure -R {}", shell_quote(&exact(name)))
}

/// A Catch2 test binary for one test case, and one section path when the
/// report names one (`test/section`).
pub fn catch2(binary: &str, test: &str, sections: &[&str]) -> String {
    let mut command = format!("{} {}", shell_quote(&binary_path(binary)), shell_quote(test));
    for section in sections {
        command.push_str(&format!(" -c {}", shell_quote(section)));
    }
    command
}

/// A doctest binary for one test case, and one subcase when named.
pub fn doctest(binary: &str, test: &str, subcase: Option<&str>) -> String {
    let mut command = format!("{} {}", shell_quote(&binary_path(binary)), shell_quote(&format!("--test-case={test}")));
    if let Some(subcase) = subcase {
        command.push_str(&format!(" {}", shell_quote(&format!("--subcase={subcase}"))));
    }
    command
}

/// A Boost.Test binary for one test unit (`suite/inner/case`).
pub fn boost_test(binary: &str, path: &str) -> String {
    format!("{} {}", shell_quote(&binary_path(binary)), shell_quote(&format!("--run_test={path}")))
}

/// Nette Tester for one test file.
pub fn nette_tester(file: &str) -> String {
    format!("vendor/bin/tester {}", shell_quote(file))
}

/// A test binary named as the report names it, runnable from the directory
/// it was run in (`./name` unless it is already a path).
fn binary_path(binary: &str) -> String {
    if binary.contains('/') { binary.to_owned() } else { format!("./{binary}") }
}

/// Escape a value for a vstest `--filter` expression, where `\`, `(`, `)`,
/// `&`, `|`, `=`, `!` and `~` are operators.
fn vstest_filter_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if matches!(c, '\\' | '(' | ')' | '&' | '|' | '=' | '!' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `dotnet test` filtered to one test by its fully qualified name
/// (`Namespace.Class.Method`), which vstest matches exactly.
pub fn dotnet_test(fully_qualified_name: &str) -> String {
    let filter = format!("FullyQualifiedName={}", vstest_filter_escape(fully_qualified_name));
    format!("dotnet test --filter {}", shell_quote(&filter))
}

/// A path or selector as an argument that no tool reads as an option: one
/// that starts with `-` gets a `./` in front.
fn not_an_option(arg: &str) -> String {
    if arg.starts_with('-') { format!("./{arg}") } else { arg.to_owned() }
}

/// RSpec for one example, by its id (`./spec/a_spec.rb[1:2]`, unambiguous even
/// for shared examples) or its location (`./spec/a_spec.rb:12`).
pub fn rspec(selector: &str) -> String {
    format!("rspec {}", shell_quote(&not_an_option(selector)))
}

/// `dart test` (or `flutter test`) for one test of one file, by its full name.
/// `--plain-name` matches a substring, so the command may also run tests whose
/// names contain this one.
pub fn dart_test(flutter: bool, file: Option<&str>, full_name: &str) -> String {
    let tool = if flutter { "flutter test" } else { "dart test" };
    let file = file.map(|f| format!(" {}", shell_quote(&not_an_option(f)))).unwrap_or_default();
    // A name that starts with `-` would be read as an option after a space.
    let sep = if full_name.starts_with('-') { "=" } else { " " };
    format!("{tool}{file} --plain-name{sep}{}", shell_quote(full_name))
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
        assert_eq!(bun(Some("t/a.test.js"), "g (x)"), "bun test ./t/a.test.js -t '^g \\(x\\)$'");
        assert_eq!(bun(Some("./a.test.js"), "a"), "bun test ./a.test.js -t '^a$'");
        assert_eq!(bun(None, "a"), "bun test -t '^a$'");
        assert_eq!(python_unittest("m.C.test_x"), "python -m unittest m.C.test_x");
        assert_eq!(deno(Some("t/a_test.ts"), "adds"), "deno test t/a_test.ts --filter '/^adds$/'");
        assert_eq!(node_filter("sub fails", Some("with subtests > inner")), "with subtests");
        assert_eq!(node_filter("top", None), "top");
        assert_eq!(go_test("example.com/m/ok", "TestX/sub_case"), "go test -run '^TestX$/^sub_case$' example.com/m/ok");
        assert_eq!(bats(Some("t.bats"), "a (b)"), "bats -f '^a \\(b\\)$' t.bats");
        assert_eq!(node_test(Some("t.mjs"), "adds"), "node --test --test-name-pattern='^adds$' t.mjs");
        assert_eq!(maven("com.x.ATest", Some("m")), "mvn test -Dtest='com.x.ATest#m'");
        assert_eq!(phpunit(Some("A\\BTest"), "testX"), "phpunit --filter 'A\\\\BTest::testX$'");
        assert_eq!(go_test_package("example.com/m/broken"), "go test example.com/m/broken");
        assert_eq!(go_test_package(""), "go test ./...");
        assert_eq!(mocha(Some("t/a.spec.js"), "math adds", true), "npx mocha t/a.spec.js --grep '^math adds$'");
        assert_eq!(mocha(None, "math (hooks)", false), "npx mocha --grep '^math \\(hooks\\)'");
        assert_eq!(vitest(Some("t/a.test.js"), "math adds"), "npx vitest run t/a.test.js -t '^math adds$'");
        assert_eq!(jest_file(Some("t/b.test.js")), "npx jest t/b.test.js");
        assert_eq!(vitest_file(None), "npx vitest run");
        assert_eq!(
            playwright("a.spec.js", Some(4), Some("chromium")),
            "npx playwright test a.spec.js:4 --project chromium"
        );
        assert_eq!(playwright("my dir/a.spec.js", None, Some("")), "npx playwright test 'my dir/a.spec.js'");
        assert_eq!(rspec("./spec/a_spec.rb[1:2]"), "rspec './spec/a_spec.rb[1:2]'");
        assert_eq!(rspec("./spec/a_spec.rb:12"), "rspec ./spec/a_spec.rb:12");
        assert_eq!(rspec("--require=x.rb"), "rspec ./--require=x.rb");
        assert_eq!(
            dart_test(false, Some("test/a_test.dart"), "group it's"),
            "dart test test/a_test.dart --plain-name 'group it'\\''s'"
        );
        assert_eq!(dart_test(true, None, "-x"), "flutter test --plain-name=-x");
    }

    #[test]
    fn dotnet_filters_escape_the_filter_language() {
        assert_eq!(dotnet_test("Ns.C.M"), "dotnet test --filter FullyQualifiedName=Ns.C.M");
        assert_eq!(
            dotnet_test("Ns.C.M(1,\"a|b\")"),
            // vstest's FilterHelper escapes `\ ( ) & | = ! ~`; a comma is no operator.
            "dotnet test --filter 'FullyQualifiedName=Ns.C.M\\(1,\"a\\|b\"\\)'"
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
