//! For each failing testcase: the command that reruns it and the place in the
//! code under test it points at. Commands come from the builders in
//! [`crate::replay`], which quote every argument.

use super::dialect::Dialect;
use crate::model::SourceLocation;
use crate::parse::location::first_workspace_frame;
use crate::replay;

/// The testcase as the report names it.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct CaseFields<'a> {
    pub name: &'a str,
    pub classname: &'a str,
    /// The testcase's `file` attribute, or "".
    pub file: &'a str,
    pub line: Option<u32>,
    /// PHPUnit's `class` attribute, or "".
    pub class: &'a str,
    /// The enclosing `<testsuite>`'s name.
    pub suite: Option<&'a str>,
    /// The outermost `<testsuite>`'s name: node writes a top-level test with
    /// subtests, and a `describe`, as a suite.
    pub top_suite: Option<&'a str>,
    /// The enclosing `<testsuite>`'s `file` attribute (mocha), or "".
    pub suite_file: &'a str,
}

/// go-junit-report and gotestsum names for failures that belong to a package,
/// not to one test.
fn is_go_package_failure(name: &str) -> bool {
    matches!(name, "[build failed]" | "[setup failed]" | "Failure" | "TestMain")
}

/// The command that reruns this one testcase, when the dialect has a runner.
pub(super) fn replay(dialect: Dialect, f: &CaseFields<'_>, text: &str, workspace: Option<&str>) -> Option<String> {
    let name = f.name;
    let package = || f.suite.filter(|s| !s.is_empty()).unwrap_or(f.classname);
    Some(match dialect {
        Dialect::Nextest => replay::nextest(f.suite, name),
        Dialect::Libtest => {
            // libtest names unit tests by module path (`crate` at the root) and
            // integration tests `integration`; doc tests by file and line.
            if f.classname.contains('/') || f.classname.ends_with(".rs") {
                return None;
            }
            let full = match f.classname {
                "" | "crate" | "integration" => name.to_owned(),
                module => format!("{module}::{name}"),
            };
            replay::cargo_test(None, &full)
        }
        Dialect::Pytest => replay::pytest(&pytest_node_id(f.classname, name, f.file)),
        Dialect::Jest => replay::jest(non_empty(f.file).and_then(|p| relative(p, workspace)).as_deref(), name.trim()),
        Dialect::GoJunitReport | Dialect::Gotestsum => {
            if is_go_package_failure(name) {
                replay::go_test_package(package())
            } else {
                replay::go_test(package(), name)
            }
        }
        Dialect::Bats => {
            let file = bats_location(text).map(|l| l.file).or_else(|| f.suite.map(str::to_owned));
            replay::bats(file.as_deref(), name)
        }
        Dialect::Node => replay::node_test(
            non_empty(f.file).and_then(|p| relative(p, workspace)).as_deref(),
            replay::node_filter(name, f.top_suite),
        ),
        Dialect::Mocha => {
            let file = non_empty(f.suite_file).and_then(|p| relative(p, workspace));
            match mocha_hook_scope(name) {
                Some(scope) => replay::mocha(file.as_deref(), scope, false),
                None => replay::mocha(file.as_deref(), name, true),
            }
        }
        Dialect::Surefire => {
            let class = non_empty(f.classname)?;
            replay::maven(class, non_empty(method_name(name)))
        }
        Dialect::Phpunit => {
            let class = match non_empty(f.class) {
                Some(c) => c.to_owned(),
                None => f.classname.replace('.', "\\"),
            };
            let method = name.split(" with data set").next().unwrap_or(name);
            replay::phpunit(non_empty(&class), method)
        }
        Dialect::Googletest => replay::ctest(&format!("{}.{name}", f.classname)),
        Dialect::Ctest => replay::ctest(name),
        Dialect::Catch2 => {
            // The suite is the binary; `classname` is `<binary>.global`.
            let binary = f.suite.filter(|s| !s.is_empty()).or_else(|| f.classname.strip_suffix(".global"))?;
            let mut parts = name.split('/');
            let test = parts.next().unwrap_or(name);
            let sections: Vec<&str> = parts.collect();
            replay::catch2(binary, test, &sections)
        }
        Dialect::Doctest => {
            let binary = non_empty(f.suite.unwrap_or(""))?;
            match name.split_once('/') {
                Some((test, subcase)) => replay::doctest(binary, test, Some(subcase)),
                None => replay::doctest(binary, name, None),
            }
        }
        Dialect::BoostTest => {
            let binary = non_empty(f.suite.unwrap_or(""))?;
            let path = match non_empty(f.classname) {
                Some(class) => format!("{}/{name}", class.replace('.', "/")),
                None => name.to_owned(),
            };
            replay::boost_test(binary, &path)
        }
        // Nette Tester names a test by its file.
        Dialect::NetteTester => replay::nette_tester(non_empty(f.classname).unwrap_or(name)),
        Dialect::Xmlrunner => replay::python_unittest(&unittest_target(f.classname, name)?),
        // A failed run hook (no classname) stops every scenario: rerun them all.
        Dialect::Cucumber if f.classname.is_empty() => replay::cucumber(None),
        Dialect::Cucumber => replay::cucumber(Some(&cucumber_name_filter(name))),
        Dialect::Jasmine => replay::jasmine(&jasmine_filter(f.classname, name)),
        Dialect::Nose2 => match super::dialect::nose2_case(f.classname, name) {
            super::dialect::Nose2Case::Test(id) | super::dialect::Nose2Case::Scope(id) => replay::nose2(&id),
        },
        // A step (`test > step`) reruns with its test: deno filters tests only.
        Dialect::Deno => replay::deno(
            non_empty(f.classname).and_then(|p| relative(p, workspace)).as_deref(),
            name.split(" > ").next().unwrap_or(name),
        ),
        Dialect::Bun => {
            // bun filters on the describe path and the name, joined by spaces,
            // outermost first: its classname lists them innermost first.
            let mut full: Vec<&str> = f.classname.split(" > ").filter(|s| !s.is_empty()).collect();
            full.reverse();
            full.push(name);
            replay::bun(non_empty(f.file).and_then(|p| relative(p, workspace)).as_deref(), &full.join(" "))
        }
        // behave's report carries no sign of its writer but the failing
        // step's `Location:`, and `behave FILE:LINE` runs what holds that line.
        Dialect::Generic => {
            let step = behave_location(text)?;
            replay::behave(&format!("{}:{}", step.file, step.line?))
        }
        Dialect::Karma | Dialect::CommonTest | Dialect::Eunit => return None,
    })
}

/// The command that reruns the tests of a level whose declared failures no
/// testcase shows, when the dialect makes one obvious.
pub(super) fn replay_level(dialect: Dialect, suite: Option<&str>) -> Option<String> {
    match dialect {
        Dialect::GoJunitReport | Dialect::Gotestsum => Some(replay::go_test_package(suite.unwrap_or("./..."))),
        _ => None,
    }
}

/// Where the failure points in the code under test: bats' own `(in test file
/// X, line N)`, else the first workspace frame of the failure text, else the
/// testcase's `file`/`line` attributes.
pub(super) fn source(
    dialect: Dialect,
    f: &CaseFields<'_>,
    text: &str,
    workspace: Option<&str>,
) -> Option<SourceLocation> {
    let own = match dialect {
        Dialect::Bats => bats_location(text),
        Dialect::Generic => behave_location(text),
        _ => None,
    };
    if let Some(loc) = own {
        return Some(loc);
    }
    if let Some(loc) = first_workspace_frame(text, workspace) {
        return Some(loc);
    }
    let file = relative(non_empty(f.file)?, workspace)?;
    // pytest writes the 0-based line of the test's `def`.
    let line = f.line.map(|l| if dialect == Dialect::Pytest { l + 1 } else { l });
    Some(SourceLocation { file, line })
}

/// unittest's dotted name for a testcase: `module.Class.method`, the method
/// without a subtest's ` (n=2)`. A class or module setup that failed is a
/// testcase with no classname named `setUpClass (module.Class)`: that class.
fn unittest_target(classname: &str, name: &str) -> Option<String> {
    if classname.is_empty() {
        let (_, scope) = name.split_once(" (")?;
        return non_empty(scope.strip_suffix(')')?).map(str::to_owned);
    }
    let method = name.split(' ').next().unwrap_or(name);
    Some(format!("{classname}.{method}"))
}

/// cucumber-js's `--name` regex for a testcase. `--name` matches the pickle
/// name; the formatter's testcase name is longer: `rule - scenario`, and for
/// an outline's example row `scenario - #1.2` or, when the row's values
/// change the name, `scenario - #1.2: pickle name`. Where a ` - ` may be a
/// join or part of the scenario's own name, the pattern is anchored at the
/// end only.
fn cucumber_name_filter(name: &str) -> String {
    if let Some((_, pickle)) = split_example_row(name).and_then(|(_, rest)| rest.split_once(": ")) {
        return format!("^{}$", replay::regex_escape(pickle));
    }
    let scenario = split_example_row(name).map_or(name, |(before, _)| before);
    match scenario.rsplit_once(" - ") {
        Some((_, last)) => format!("{}$", replay::regex_escape(last)),
        None => format!("^{}$", replay::regex_escape(scenario)),
    }
}

/// `scenario - #1.2…` into `scenario` and `1.2…`, at the last such mark.
fn split_example_row(name: &str) -> Option<(&str, &str)> {
    let (before, rest) = name.rsplit_once(" - #")?;
    let digits = rest.split(':').next().unwrap_or(rest);
    let is_row = digits.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit())
    });
    is_row.then_some((before, rest))
}

/// jasmine's `--filter` regex for a spec: its full name is the describes and
/// the spec joined by spaces, where jasmine-reporters' `classname` joins the
/// describes by dots. A describe's own dot cannot be told from a join, so
/// each dot becomes the regex `.`, which matches either.
fn jasmine_filter(classname: &str, name: &str) -> String {
    let describes: Vec<String> = classname.split('.').map(replay::regex_escape).collect();
    match classname {
        "" => format!("^{}$", replay::regex_escape(name)),
        _ => format!("^{} {}$", describes.join("."), replay::regex_escape(name)),
    }
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// A path relative to the workspace; absolute paths elsewhere are not ours.
fn relative(path: &str, workspace: Option<&str>) -> Option<String> {
    let path = path.strip_prefix("file://").unwrap_or(path);
    if path.starts_with('/') {
        let ws = workspace?.trim_end_matches('/');
        let rest = path.strip_prefix(ws)?.strip_prefix('/')?;
        return (!rest.is_empty()).then(|| rest.to_owned());
    }
    let rel = path.strip_prefix("./").unwrap_or(path);
    (!rel.is_empty() && !rel.starts_with("..")).then(|| rel.to_owned())
}

/// bats: `(in test file tests/sample.bats, line 9)`.
fn bats_location(text: &str) -> Option<SourceLocation> {
    let start = text.find("(in test file ")? + "(in test file ".len();
    let rest = &text[start..];
    let (file, rest) = rest.split_once(", line ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if file.is_empty() || file.contains('\n') {
        return None;
    }
    Some(SourceLocation { file: file.to_owned(), line: digits.parse().ok() })
}

/// behave: the failing step in its feature file, from the failure text
/// `Failing step: … Location: features/x.feature:12`.
fn behave_location(text: &str) -> Option<SourceLocation> {
    if !text.trim_start().starts_with("Failing step: ") {
        return None;
    }
    let start = text.find("\nLocation: ")? + "\nLocation: ".len();
    let line_text = text[start..].lines().next()?.trim_end();
    let (file, line) = line_text.rsplit_once(':')?;
    if !file.ends_with(".feature") || file.is_empty() {
        return None;
    }
    Some(SourceLocation { file: file.to_owned(), line: Some(line.parse().ok()?) })
}

/// mocha: `suite title "before all" hook for "test"` → `suite title`, the
/// part of the title a `--grep` can select.
fn mocha_hook_scope(name: &str) -> Option<&str> {
    let idx = ["\"before all\" hook", "\"before each\" hook", "\"after all\" hook", "\"after each\" hook"]
        .iter()
        .filter_map(|h| name.find(h))
        .min()?;
    let scope = name[..idx].trim_end();
    (!scope.is_empty()).then_some(scope)
}

/// A Java method name without JUnit 5's parameter list or display suffix.
fn method_name(name: &str) -> &str {
    name.split(['(', '[']).next().unwrap_or(name).trim()
}

/// pytest's node id (`path/to/test_x.py::TestClass::test_name[param]`) from the
/// report's dotted `classname` and, in xunit1, the `file` attribute.
pub(super) fn pytest_node_id(classname: &str, name: &str, file: &str) -> String {
    if classname.is_empty() {
        // A collection error: pytest names the module, dotted, as the test.
        if !file.is_empty() {
            return file.to_owned();
        }
        return format!("{}.py", name.replace('.', "/"));
    }
    let segments: Vec<&str> = classname.split('.').collect();
    let file_parts = file.trim_end_matches(".py").split('/').filter(|s| !s.is_empty()).count();
    let (module, classes): (String, &[&str]) = if !file.is_empty()
        && file_parts <= segments.len()
        && segments[..file_parts].join("/") == file.trim_end_matches(".py")
    {
        (file.to_owned(), &segments[file_parts..])
    } else {
        // Without `file`: the module ends where pytest's `Test*` classes begin.
        let split = segments.iter().position(|s| s.starts_with("Test")).unwrap_or(segments.len());
        (format!("{}.py", segments[..split].join("/")), &segments[split..])
    };
    let mut id = module;
    for class in classes {
        id.push_str("::");
        id.push_str(class);
    }
    id.push_str("::");
    id.push_str(name);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unittest_targets_drop_subtest_parameters_and_name_a_failed_setup_scope() {
        assert_eq!(unittest_target("m.C", "test_x").as_deref(), Some("m.C.test_x"));
        assert_eq!(unittest_target("m.C", "test_x (n=2)").as_deref(), Some("m.C.test_x"));
        assert_eq!(unittest_target("", "setUpClass (m.C)").as_deref(), Some("m.C"));
        assert_eq!(unittest_target("", "setUpModule (m)").as_deref(), Some("m"));
        assert_eq!(unittest_target("", "orphan"), None, "nothing to name: no command");
        assert_eq!(unittest_target("", "setUpClass ()"), None);
    }

    #[test]
    fn cucumber_name_filters_match_the_pickle_name() {
        assert_eq!(cucumber_name_filter("fails an assertion"), "^fails an assertion$");
        assert_eq!(cucumber_name_filter("adds <b> - #1.2: adds 2"), "^adds 2$");
        assert_eq!(cucumber_name_filter("adds - #1.2"), "^adds$");
        assert_eq!(cucumber_name_filter("nested group - fails inside a rule"), "fails inside a rule$");
        assert_eq!(cucumber_name_filter("a (b) - #3.10: a (x)"), r"^a \(x\)$");
        assert_eq!(cucumber_name_filter("v - #x.1"), r"#x\.1$", "not a row mark: a scenario name");
    }

    #[test]
    fn jasmine_filters_match_the_full_name_whichever_dots_join_it() {
        assert_eq!(jasmine_filter("outer.inner", "fails (x)"), r"^outer.inner fails \(x\)$");
        assert_eq!(jasmine_filter("v1.2 api", "works"), r"^v1.2 api works$");
        assert_eq!(jasmine_filter("a*b", "c"), r"^a\*b c$");
        assert_eq!(jasmine_filter("", "top level"), "^top level$");
    }

    #[test]
    fn pytest_node_ids_from_classname_and_file() {
        assert_eq!(pytest_node_id("test_sample", "test_param[2]", ""), "test_sample.py::test_param[2]");
        assert_eq!(pytest_node_id("tests.unit.test_x.TestA", "test_b", ""), "tests/unit/test_x.py::TestA::test_b");
        assert_eq!(
            pytest_node_id("tests.unit.test_x.TestA", "test_b", "tests/unit/test_x.py"),
            "tests/unit/test_x.py::TestA::test_b"
        );
        assert_eq!(pytest_node_id("", "test_collect_error", ""), "test_collect_error.py");
        assert_eq!(pytest_node_id("", "pkg.test_broken", ""), "pkg/test_broken.py");
    }

    #[test]
    fn bats_locations_and_mocha_hook_scopes() {
        let text = "(in test file tests/sample.bats, line 9)\n  `[ 1 -eq 2 ]' failed";
        assert_eq!(bats_location(text), Some(SourceLocation { file: "tests/sample.bats".into(), line: Some(9) }));
        assert_eq!(
            mocha_hook_scope("math with failing hook \"before all\" hook for \"x\""),
            Some("math with failing hook")
        );
        assert_eq!(mocha_hook_scope("math adds"), None);
    }

    #[test]
    fn behave_locations_come_from_the_failing_steps_location_line() {
        let text = "Failing step: Then the result is 12 ... failed in 0.000s\nLocation: features/mixed.feature:12\nASSERT FAILED";
        assert_eq!(
            behave_location(text),
            Some(SourceLocation { file: "features/mixed.feature".into(), line: Some(12) })
        );
        assert_eq!(behave_location("Location: features/mixed.feature:12"), None, "not behave's failure text");
        assert_eq!(behave_location("Failing step: x\nLocation: steps.py:3"), None, "not a feature file");
        assert_eq!(behave_location("Failing step: x\nLocation: a.feature:x"), None);
    }

    #[test]
    fn relative_paths_stay_inside_the_workspace() {
        assert_eq!(relative("/w/app/t/a.js", Some("/w/app/")), Some("t/a.js".into()));
        assert_eq!(relative("/elsewhere/a.js", Some("/w/app")), None);
        assert_eq!(relative("/w/app/t/a.js", None), None);
        assert_eq!(relative("./t/a.js", None), Some("t/a.js".into()));
        assert_eq!(relative("../a.js", None), None);
    }

    #[test]
    fn go_package_failures_rerun_the_package() {
        let f = CaseFields {
            name: "[build failed]",
            classname: "ex.com/m/b",
            suite: Some("ex.com/m/b"),
            ..Default::default()
        };
        assert_eq!(replay(Dialect::GoJunitReport, &f, "", None).as_deref(), Some("go test ex.com/m/b"));
        let f =
            CaseFields { name: "TestX/sub", classname: "ex.com/m/b", suite: Some("ex.com/m/b"), ..Default::default() };
        assert_eq!(
            replay(Dialect::Gotestsum, &f, "", None).as_deref(),
            Some("go test -run '^TestX$/^sub$' ex.com/m/b")
        );
    }
}
