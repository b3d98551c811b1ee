//! Which tool wrote the report. JUnit has no normative spec; each producer
//! counts, nests and retries its own way, and the reader must know which way to
//! tell an honest report from a lying one.
//!
//! The dialect is decided from content as the stream goes: root attributes
//! (nextest's `uuid`, the default `name` of jest-junit, mocha and pytest),
//! suite attributes (PHPUnit's `assertions`, libtest's `package="test"`),
//! properties (gotestsum's `go.version`), and structure (node's testcases
//! directly under `<testsuites>`). The first strong sign wins.

use super::attrs::Attrs;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dialect {
    /// Ant, Jenkins, Gradle and anything unrecognized: `tests` counts every
    /// testcase, `failures`/`errors`/`skipped` the testcases with that child.
    Generic,
    /// Maven Surefire/Failsafe: Generic plus `flakes`.
    Surefire,
    /// pytest `--junitxml` (xunit1 and xunit2).
    Pytest,
    /// jest-junit.
    Jest,
    /// cargo-nextest.
    Nextest,
    /// libtest's own `--format junit` (`cargo test -- -Z unstable-options --format junit`).
    Libtest,
    /// go-junit-report v2.
    GoJunitReport,
    /// gotestsum `--junitfile`.
    Gotestsum,
    /// mocha-junit-reporter.
    Mocha,
    /// `node --test --test-reporter=junit`.
    Node,
    /// PHPUnit `--log-junit`.
    Phpunit,
    /// `bats --formatter junit`.
    Bats,
    /// GoogleTest `--gtest_output=xml`: `status`/`result` on every testcase.
    Googletest,
    /// CTest `--output-junit`: one `<testsuite>`, a `status` on every testcase.
    Ctest,
    /// Catch2's JUnit reporter: `tests` and `failures` count assertions.
    Catch2,
    /// doctest's JUnit reporter.
    Doctest,
    /// Boost.Test's JUnit logger: `tests` leaves out skipped (disabled) tests.
    BoostTest,
    /// karma-junit-reporter: one `<testsuite>` per browser; browser errors
    /// only as a count and in `system-out`.
    Karma,
    /// Nette Tester `-o junit`: a failed test is a `<failure>`, counted in `errors`.
    NetteTester,
    /// unittest-xml-reporting (`python -m xmlrunner`): Generic's counting.
    Xmlrunner,
    /// `bun test --reporter=junit`: Generic's counting over a suite per
    /// `describe`; `classname` is the describe path, innermost first.
    Bun,
    /// `deno test --reporter=junit`: Generic's counting; a step is a testcase
    /// `test > step` beside its test.
    Deno,
    /// jasmine-reporters' `JUnitXmlReporter`: a flat suite per `describe`
    /// path (`outer.inner`); `failures` counts failed expectations, each a
    /// `<failure>` of its spec.
    Jasmine,
    /// cucumber-js's JUnit formatter (`@cucumber/junit-xml-formatter`): a
    /// testcase per scenario (pickle), the feature as `classname`; a failed
    /// run hook is a testcase without `classname`, not counted.
    Cucumber,
    /// Erlang Common Test's `cth_surefire` hook: configuration functions
    /// (`init_per_suite`, `end_per_group`, …) are testcases, counted nowhere.
    CommonTest,
    /// Erlang EUnit's `eunit_surefire`: a suite `module 'm'`; a generator's
    /// cases share one name, so a name is not an identity.
    Eunit,
    /// nose2's junit-xml plugin: `tests` counts the tests started, while each
    /// failing subtest and each class or module fixture error is a testcase.
    Nose2,
}

impl Dialect {
    /// Whether a case is identified by its `classname` (a module or class path)
    /// rather than by its suite. pytest puts every test in one suite named
    /// `pytest`; jest and mocha repeat the test title in `classname`.
    pub fn identity_from_classname(self) -> bool {
        matches!(
            self,
            Self::Generic
                | Self::Surefire
                | Self::Pytest
                | Self::Phpunit
                | Self::Libtest
                | Self::Xmlrunner
                | Self::Bun
                | Self::Deno
                | Self::Nose2
                | Self::Cucumber
        )
    }
}

/// A sign from the root element.
pub(super) fn from_root(element: &str, a: &Attrs<'_>) -> Option<Dialect> {
    let name = a.name.as_deref().unwrap_or("");
    if a.uuid || name == "nextest-run" {
        return Some(Dialect::Nextest);
    }
    match name {
        "jest tests" => return Some(Dialect::Jest),
        "Mocha Tests" => return Some(Dialect::Mocha),
        "pytest tests" => return Some(Dialect::Pytest),
        // Before its suites' `assertions` could pass it for PHPUnit.
        "bun test" => return Some(Dialect::Bun),
        "deno test" => return Some(Dialect::Deno),
        "nose2-junit" => return Some(Dialect::Nose2),
        // The formatter's default `suiteName`.
        "Cucumber" if element == "testsuite" => return Some(Dialect::Cucumber),
        _ => {}
    }
    if element == "testsuite" && a.schema.as_deref().is_some_and(|s| s.contains("surefire")) {
        return Some(Dialect::Surefire);
    }
    if element == "testsuites" && name == "AllTests" && a.disabled.is_some() {
        return Some(Dialect::Googletest);
    }
    // jasmine-reporters: `disabled` on a nameless root (GoogleTest names its root).
    if element == "testsuites" && a.name.is_none() && a.disabled.is_some() {
        return Some(Dialect::Jasmine);
    }
    if element == "testsuite" {
        // CTest: `disabled` and an (often empty) `hostname` on its single suite.
        if a.disabled.is_some() && a.hostname.is_some() && !a.id {
            return Some(Dialect::Ctest);
        }
        // Boost.Test: `id` on its single suite, and neither host nor time.
        if a.id && a.hostname.is_none() && a.timestamp.is_none() && a.package.is_none() {
            return Some(Dialect::BoostTest);
        }
    }
    None
}

/// A sign from a `<testsuite>` start tag. `bare_root`: the root has no attributes.
pub(super) fn from_suite(a: &Attrs<'_>, bare_root: bool) -> Option<Dialect> {
    let name = a.name.as_deref().unwrap_or("");
    if name == "pytest" {
        return Some(Dialect::Pytest);
    }
    if a.assertions {
        return Some(Dialect::Phpunit);
    }
    if a.doctest_version {
        return Some(Dialect::Doctest);
    }
    // Nette Tester: a nameless suite under a bare root, with `errors` and no `failures`.
    if bare_root && a.name.is_none() && a.errors.is_some() && a.failures.is_none() && a.timestamp.is_some() {
        return Some(Dialect::NetteTester);
    }
    // Catch2 writes a placeholder host name.
    if a.hostname.as_deref() == Some("tbd") {
        return Some(Dialect::Catch2);
    }
    if name.ends_with(".bats") {
        return Some(Dialect::Bats);
    }
    if name == "test" && a.package.as_deref() == Some("test") {
        return Some(Dialect::Libtest);
    }
    if name.starts_with("module '") {
        return Some(Dialect::Eunit);
    }
    if a.log && a.hostname.is_some() && a.timestamp.is_some() {
        return Some(Dialect::CommonTest);
    }
    if name == "Root Suite" {
        return Some(Dialect::Mocha);
    }
    // xmlrunner names a suite `<module>.<Class>-<YYYYMMDDHHMMSS>` and gives its file.
    if a.file.is_some() && has_run_stamp(name) {
        return Some(Dialect::Xmlrunner);
    }
    // node writes `disabled` and `hostname` on suites under a root with no attributes.
    if bare_root && a.disabled.is_some() && a.hostname.is_some() {
        return Some(Dialect::Node);
    }
    None
}

/// Whether `name` ends with `-` and a 14-digit run stamp, as xmlrunner's
/// suite names do (its `outsuffix`, the run's start as `%Y%m%d%H%M%S`).
fn has_run_stamp(name: &str) -> bool {
    name.rsplit_once('-')
        .is_some_and(|(head, stamp)| !head.is_empty() && stamp.len() == 14 && stamp.bytes().all(|b| b.is_ascii_digit()))
}

/// A sign from a `<property>` inside a suite's `<properties>`.
/// `suite_has_errors`: the enclosing suite declares `errors`.
pub(super) fn from_property(name: &str, suite_has_errors: bool) -> Option<Dialect> {
    if name == "go.version" {
        // gotestsum never writes `errors` on a suite; go-junit-report does.
        return Some(if suite_has_errors { Dialect::GoJunitReport } else { Dialect::Gotestsum });
    }
    if name.starts_with("surefire.") || name.starts_with("maven.") {
        return Some(Dialect::Surefire);
    }
    if name == "browser.fullName" {
        return Some(Dialect::Karma);
    }
    None
}

/// A sign from a testcase: go's naming (`TestX` in a package named like its
/// classname, or go-junit-report's build-failure case).
pub(super) fn from_case(name: &str, classname: &str, suite: Option<&str>, suite_has_errors: bool) -> Option<Dialect> {
    let go_name = ["Test", "Example", "Fuzz", "Benchmark"].iter().any(|p| name.starts_with(p))
        || name == "[build failed]"
        || name == "[setup failed]";
    let package_like = !classname.is_empty()
        && suite == Some(classname)
        && !classname.contains(' ')
        && (classname.contains('/') || !classname.contains('.'));
    (go_name && package_like).then_some(if suite_has_errors { Dialect::GoJunitReport } else { Dialect::Gotestsum })
}

/// The `classname` of jest-junit's pseudo testcases for a test file that
/// failed to load (`reportTestSuiteErrors`): not tests, and not counted as such.
pub(super) const JEST_SUITE_ERROR: &str = "Test suite failed to run";

/// mocha-junit-reporter's pseudo testcase for a failing hook.
pub(super) fn is_mocha_hook(name: &str) -> bool {
    ["\"before all\" hook", "\"before each\" hook", "\"after all\" hook", "\"after each\" hook"]
        .iter()
        .any(|h| name.contains(h))
}

/// What a nose2 testcase reports on. nose2 splits unittest's id at its last
/// dot into `classname` and `name`, so the id is rebuilt first.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Nose2Case {
    /// A test, by its id without a subtest's parameters (`m.C.test_x` for
    /// `m.C.test_x (n=1)`): a test's failing subtests are one testcase each.
    Test(String),
    /// A `setUpClass`/`setUpModule`/`tearDown…` error: not a test, and not
    /// counted. The class or module.
    Scope(String),
}

pub(super) fn nose2_case(classname: &str, name: &str) -> Nose2Case {
    // A module that failed to import: a test of nose2's loader, counted,
    // named as the module.
    if classname.starts_with("nose2.loader.") {
        return Nose2Case::Test(name.to_owned());
    }
    // unittest's fixture error ids have no dot before the scope, so nose2
    // falls back to `unittest.suite` for their classname.
    let id = match classname {
        "" | "unittest.suite" => name.to_owned(),
        class => format!("{class}.{name}"),
    };
    for fixture in ["setUpClass", "tearDownClass", "setUpModule", "tearDownModule"] {
        if let Some(scope) =
            id.strip_prefix(fixture).and_then(|r| r.strip_prefix(" (")).and_then(|r| r.strip_suffix(')'))
        {
            return Nose2Case::Scope(scope.to_owned());
        }
    }
    match id.split_once(' ') {
        Some((test, _subtest)) => Nose2Case::Test(test.to_owned()),
        None => Nose2Case::Test(id),
    }
}

/// Common Test's configuration functions, which `cth_surefire` writes as
/// testcases but counts in none of `tests`, `failures` and `skipped`.
pub(super) fn is_common_test_config(name: &str) -> bool {
    matches!(name, "init_per_suite" | "end_per_suite" | "init_per_group" | "end_per_group")
}

/// node `--test` failure types of a test that was cancelled rather than failed
/// (node counts those under `cancelled`).
pub(super) fn is_node_cancellation(kind: &str) -> bool {
    matches!(kind, "cancelledByParent" | "testTimeoutFailure")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nose2_cases_rebuild_the_unittest_id() {
        let test = |id: &str| Nose2Case::Test(id.to_owned());
        let scope = |id: &str| Nose2Case::Scope(id.to_owned());
        assert_eq!(nose2_case("m.C", "test_x"), test("m.C.test_x"));
        assert_eq!(nose2_case("m.C", "test_x (n=1)"), test("m.C.test_x"), "a subtest is its test");
        // A dot in a subtest's parameters moves the split into them.
        assert_eq!(nose2_case("m.C.test_x (x=1", "5)"), test("m.C.test_x"));
        assert_eq!(nose2_case("m", "test_params:2"), test("m.test_params:2"));
        assert_eq!(nose2_case("setUpClass (m", "C)"), scope("m.C"));
        assert_eq!(nose2_case("unittest.suite", "setUpModule (m)"), scope("m"));
        assert_eq!(nose2_case("unittest.suite", "tearDownModule (pkg.m)"), scope("pkg.m"));
        assert_eq!(nose2_case("nose2.loader.ModuleImportFailure", "test_broken"), test("test_broken"));
    }

    #[test]
    fn an_xmlrunner_run_stamp_is_a_dash_and_fourteen_digits() {
        assert!(has_run_stamp("test_pass.Strings-20261206030342"));
        assert!(has_run_stamp("unittest.suite._ErrorHolder-20261206030342"));
        assert!(!has_run_stamp("-20261206030342"), "a stamp alone names no class");
        assert!(!has_run_stamp("test_pass.Strings-2026120603034"), "13 digits");
        assert!(!has_run_stamp("test_pass.Strings-2026120603034x"));
        assert!(!has_run_stamp("test_pass.Strings"));
    }
}
