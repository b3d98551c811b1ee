//! The second witness: the counts a report declares at every level
//! (`<testsuites>`, each `<testsuite>`, node's summary comments), each paired
//! with the count derived from the testcases enumerated below that level.
//!
//! Every producer counts its own way; [`derive`] knows each dialect's rule, so
//! that an honest report yields no false discrepancy while a real one (a
//! declared failure no testcase shows, tests that vanished beyond what the
//! dialect explains) is reported with both numbers.

use super::dialect::Dialect;

/// What the testcases below one level show. Levels add their children's
/// counters when they close, so a parent counts every descendant testcase once,
/// whatever its own attributes say (PHPUnit parents sum their children).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Counters {
    /// `<testcase>` elements.
    pub cases: u64,
    /// Testcases with a `<failure>` (or only `rerunFailure`/`rerunError`).
    pub failure: u64,
    /// Testcases with an `<error>`.
    pub error: u64,
    /// Testcases with a `<skipped>`.
    pub skipped: u64,
    /// Testcases that passed after failed attempts (`flakyFailure`/`flakyError`).
    pub flaky: u64,
    /// Testcases that passed.
    pub passed: u64,
    /// Testcases with no result child at all.
    pub pass_looking: u64,
    /// node: testcases marked todo (`<skipped type="todo">`), failing or not.
    pub todo: u64,
    /// node: testcases that failed, not todo, not cancelled.
    pub fail_plain: u64,
    /// node: testcases cancelled (by their parent or a timeout).
    pub cancelled: u64,
    /// node: skipped testcases that are not todo.
    pub skipped_plain: u64,
    /// mocha: pseudo testcases of failing hooks.
    pub hook: u64,
    /// Failing pseudo testcases the producer writes but counts neither in
    /// `tests` nor in `failures`: gotestsum's `TestMain`, cucumber-js's run
    /// hooks (`BeforeAll`/`AfterAll`).
    pub pseudo: u64,
    /// pytest: distinct tests once a test's attempts and its call-failure +
    /// teardown-error pair are merged.
    pub logical: u64,
    /// `<testsuite>` elements.
    pub suites: u64,
    /// mocha: tests the producer counts but never writes (pending tests, tests
    /// a failing hook stopped), as far as the dialect explains them.
    pub explained: u64,
    /// mocha: the part of `explained` attributed to pending tests.
    pub pending_explained: u64,
    /// Declared failures no testcase shows, already recorded as cases.
    pub hidden: u64,
    /// `<failure>` and `<error>` elements (a testcase may hold several:
    /// pytest's subtests, Catch2's failed assertions).
    pub failure_elements: u64,
    pub error_elements: u64,
    /// Catch2: `<failure>` elements of `[!mayfail]`/`[!shouldfail]` tests,
    /// which it does not count as failures.
    pub allowed_failure_elements: u64,
    /// Tests the tool says it did not run because they are disabled
    /// (GoogleTest `result="suppressed"`, CTest `status="disabled"`).
    pub disabled: u64,
    /// jest-junit's `Test suite failed to run` pseudo testcases, and those of
    /// them holding a `<failure>` (it writes an `<error>` and a `<failure>`).
    pub suite_error_cases: u64,
    pub suite_error_failures: u64,
    /// nose2: testcases it writes but does not count in `tests` (a test's
    /// failing subtests after its first, class and module fixture errors).
    pub not_in_tests: u64,
}

impl Counters {
    /// Saturating: `hidden` and `explained` come from declared counts, which a
    /// hostile report can set near `u64::MAX` on every suite.
    pub fn add(&mut self, o: &Counters) {
        self.cases = self.cases.saturating_add(o.cases);
        self.failure = self.failure.saturating_add(o.failure);
        self.error = self.error.saturating_add(o.error);
        self.skipped = self.skipped.saturating_add(o.skipped);
        self.flaky = self.flaky.saturating_add(o.flaky);
        self.passed = self.passed.saturating_add(o.passed);
        self.pass_looking = self.pass_looking.saturating_add(o.pass_looking);
        self.todo = self.todo.saturating_add(o.todo);
        self.fail_plain = self.fail_plain.saturating_add(o.fail_plain);
        self.cancelled = self.cancelled.saturating_add(o.cancelled);
        self.skipped_plain = self.skipped_plain.saturating_add(o.skipped_plain);
        self.hook = self.hook.saturating_add(o.hook);
        self.pseudo = self.pseudo.saturating_add(o.pseudo);
        self.logical = self.logical.saturating_add(o.logical);
        self.suites = self.suites.saturating_add(o.suites);
        self.explained = self.explained.saturating_add(o.explained);
        self.pending_explained = self.pending_explained.saturating_add(o.pending_explained);
        self.hidden = self.hidden.saturating_add(o.hidden);
        self.failure_elements = self.failure_elements.saturating_add(o.failure_elements);
        self.error_elements = self.error_elements.saturating_add(o.error_elements);
        self.allowed_failure_elements = self.allowed_failure_elements.saturating_add(o.allowed_failure_elements);
        self.disabled = self.disabled.saturating_add(o.disabled);
        self.suite_error_cases = self.suite_error_cases.saturating_add(o.suite_error_cases);
        self.suite_error_failures = self.suite_error_failures.saturating_add(o.suite_error_failures);
        self.not_in_tests = self.not_in_tests.saturating_add(o.not_in_tests);
    }

    /// Failures and errors the testcases show, as producers count them:
    /// testcases with such a child, or the children themselves where a
    /// testcase holds several.
    pub fn failing_elements(&self) -> u64 {
        self.failure.saturating_add(self.error).max(self.failure_elements.saturating_add(self.error_elements))
    }
}

/// node's suite counts are over direct children (a nested suite counts once).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct DirectChildren {
    pub children: u64,
    pub failing: u64,
    pub skipped: u64,
    /// node before 22 counted a nested suite with failures as skipped too.
    pub skipped_legacy: u64,
}

/// The counts one element declares.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Declared {
    pub tests: Option<u64>,
    pub failures: Option<u64>,
    pub errors: Option<u64>,
    pub skipped: Option<u64>,
    pub disabled: Option<u64>,
    pub flakes: Option<u64>,
}

impl Declared {
    /// Declared failures and errors together.
    pub fn failing(&self) -> Option<u64> {
        match (self.failures, self.errors) {
            (None, None) => None,
            (f, e) => Some(f.unwrap_or(0).saturating_add(e.unwrap_or(0))),
        }
    }
}

/// One `<testsuites>` or `<testsuite>` being read.
#[derive(Debug)]
pub(super) struct Level {
    pub root: bool,
    pub element: &'static str,
    pub name: Option<String>,
    /// The suite's `file` attribute (mocha writes the spec file there).
    pub file: Option<String>,
    /// 1-based index among all suites, for suites without a name.
    pub index: u64,
    pub offset: u64,
    pub declared: Declared,
    pub has_errors_attr: bool,
    pub counts: Counters,
    pub direct: DirectChildren,
}

impl Level {
    /// How a finding names this level: `<testsuite name="math">`.
    pub fn scope(&self) -> String {
        match &self.name {
            Some(name) => format!("<{} name=\"{}\">", self.element, crate::text::truncate(name, 120)),
            None if self.root => format!("<{}>", self.element),
            None => format!("<{} #{}>", self.element, self.index),
        }
    }
}

/// State that spans levels: budgets and totals only the root declares.
#[derive(Debug, Default)]
pub(super) struct Context {
    /// mocha: pending tests the root declares as `skipped`, not yet attributed
    /// to a suite whose testcases fall short of its `tests`.
    pub mocha_pending_budget: u64,
}

/// A declared count with the count derived for it.
pub(super) struct Derived {
    pub field: &'static str,
    pub claimed: u64,
    pub derived: u64,
    pub evidence: String,
}

/// The value in `[base, base + slack]` closest to `claimed`: how far a
/// dialect's known omissions can explain a declared count.
fn explain(base: u64, slack: u64, claimed: u64) -> u64 {
    claimed.clamp(base, base.saturating_add(slack))
}

/// Derive every count `level` declares. Updates `level.counts` with what the
/// dialect explains (mocha's unwritten tests) so that the parent sees it.
pub(super) fn derive(dialect: Dialect, level: &mut Level, cx: &mut Context) -> Vec<Derived> {
    let d = level.declared;
    let c = level.counts;
    let mut out = Vec::new();
    let mut push = |field: &'static str, claimed: Option<u64>, derived: u64, evidence: String| {
        if let Some(claimed) = claimed {
            out.push(Derived { field, claimed, derived, evidence });
        }
    };
    let cases = c.cases - c.pseudo - c.suite_error_cases;
    match dialect {
        Dialect::Node if !level.root => {
            let dc = level.direct;
            push("tests", d.tests, dc.children, "direct children (testcases and nested suites), as node counts".into());
            push(
                "failures",
                d.failures,
                dc.failing,
                "direct children with a <failure> (node counts failing todo tests too)".into(),
            );
            let skipped = match d.skipped {
                Some(s) if s == dc.skipped_legacy && s != dc.skipped => dc.skipped_legacy,
                _ => dc.skipped,
            };
            push("skipped", d.skipped, skipped, "direct children with a <skipped>".into());
            push("errors", d.errors, c.error, "testcases with <error>".into());
        }
        Dialect::Mocha => {
            let tests = d.tests.unwrap_or(0);
            let base = (c.cases - c.hook).saturating_add(c.explained);
            if level.root {
                push(
                    "tests",
                    d.tests,
                    base,
                    format!(
                        "{} testcases (not counting {} hook failure(s)) + {} tests the suites count but mocha does not write (pending, or stopped by a failing hook)",
                        c.cases - c.hook,
                        c.hook,
                        c.explained
                    ),
                );
                push(
                    "skipped",
                    d.skipped,
                    c.skipped.saturating_add(c.pending_explained),
                    format!(
                        "{} testcases with <skipped> + {} pending tests mocha counts but does not write",
                        c.skipped, c.pending_explained
                    ),
                );
            } else if c.hook > 0 {
                // A failing hook stops the tests after it; mocha still counts them.
                let derived = explain(base, u64::MAX, tests);
                level.counts.explained = level.counts.explained.saturating_add(derived - base);
                push(
                    "tests",
                    d.tests,
                    derived,
                    format!(
                        "{} testcases besides the failing hook; a failing hook stops the tests after it, which mocha counts but does not write",
                        c.cases - c.hook
                    ),
                );
            } else {
                let derived = explain(base, cx.mocha_pending_budget, tests);
                let pending = derived - base;
                cx.mocha_pending_budget -= pending;
                level.counts.explained = level.counts.explained.saturating_add(pending);
                level.counts.pending_explained = level.counts.pending_explained.saturating_add(pending);
                push(
                    "tests",
                    d.tests,
                    derived,
                    format!(
                        "{} testcases + {pending} pending tests (mocha does not write pending tests; the root's skipped count is what explains them)",
                        c.cases - c.hook
                    ),
                );
            }
            push("failures", d.failures, c.failure, "testcases with <failure>, hook failures included".into());
            push("errors", d.errors, c.error, "testcases with <error>".into());
        }
        _ => {
            let (tests, evidence) = match dialect {
                Dialect::Pytest if d.tests == Some(c.cases) => (c.cases, format!("{} <testcase> elements", c.cases)),
                Dialect::Pytest => (
                    explain(c.logical, u64::MAX, d.tests.unwrap_or(0)),
                    format!(
                        "at least {} distinct tests in {} testcases (pytest writes a call failure and its teardown error, and each pytest-rerunfailures attempt, as separate testcases; it also counts each subtest report, and writes no element for a passing subtest)",
                        c.logical, c.cases
                    ),
                ),
                Dialect::Catch2 => {
                    let written = c.failure_elements.saturating_add(c.error_elements);
                    (
                        explain(written, u64::MAX, d.tests.unwrap_or(0)),
                        format!(
                            "Catch2 counts assertions, not testcases: at least the {written} failed assertion(s) written; passing assertions leave no element"
                        ),
                    )
                }
                Dialect::Doctest => (
                    explain(cases - c.error.min(cases), c.error, d.tests.unwrap_or(0)),
                    format!(
                        "{cases} testcases, {} of them with <error>: doctest leaves a test case that crashed out of tests",
                        c.error
                    ),
                ),
                Dialect::BoostTest => (
                    cases - c.skipped.min(cases),
                    format!(
                        "{cases} testcases less {} skipped (Boost.Test counts only the test cases it ran)",
                        c.skipped
                    ),
                ),
                Dialect::Karma if d.errors.unwrap_or(0) > c.error => (
                    explain(cases, u64::MAX, d.tests.unwrap_or(0)),
                    format!(
                        "at least {cases} testcases: a browser error stops karma, and the specs it registered but never ran are counted, not written"
                    ),
                ),
                Dialect::Jest if c.suite_error_cases > 0 => {
                    let derived = explain(cases - c.pass_looking.min(cases), c.pass_looking, d.tests.unwrap_or(0));
                    (
                        derived,
                        format!(
                            "{cases} testcases besides {} `Test suite failed to run` pseudo testcases; todo tests are written as result-less testcases and not counted",
                            c.suite_error_cases
                        ),
                    )
                }
                Dialect::Jest => {
                    let derived = explain(c.cases - c.pass_looking, c.pass_looking, d.tests.unwrap_or(0));
                    (
                        derived,
                        format!(
                            "{} testcases, {} of them without a result child; jest-junit writes todo tests as such testcases and leaves them out of tests",
                            c.cases, c.pass_looking
                        ),
                    )
                }
                Dialect::Libtest => {
                    let absent = d.skipped.unwrap_or(0);
                    (
                        cases + absent,
                        format!(
                            "{cases} testcases + {absent} ignored tests (libtest counts ignored tests but does not write them)"
                        ),
                    )
                }
                Dialect::Nose2 => (
                    cases - c.not_in_tests.min(cases),
                    format!(
                        "{cases} testcases less {} that nose2 writes but does not count: a test's failing subtests after its first, class and module fixture errors",
                        c.not_in_tests
                    ),
                ),
                Dialect::Gotestsum if c.pseudo > 0 => {
                    (cases, format!("{cases} testcases besides the TestMain pseudo testcase"))
                }
                Dialect::Cucumber if c.pseudo > 0 => (
                    cases,
                    format!(
                        "{cases} testcases besides {} failed run hook(s) (BeforeAll/AfterAll), which cucumber-js writes as testcases without a classname and does not count",
                        c.pseudo
                    ),
                ),
                _ => (cases, format!("{cases} <testcase> elements below")),
            };
            push("tests", d.tests, tests, evidence);
            let failures = c.failure - c.pseudo - c.suite_error_failures;
            match dialect {
                Dialect::Pytest => push(
                    "failures",
                    d.failures,
                    explain(failures, c.failure_elements.saturating_sub(failures), d.failures.unwrap_or(0)),
                    format!(
                        "{failures} testcases with <failure>, {} <failure> elements (a test with failed subtests holds one per failed subtest, and one saying how many failed)",
                        c.failure_elements
                    ),
                ),
                Dialect::Catch2 => {
                    let counted = c.failure_elements - c.allowed_failure_elements.min(c.failure_elements);
                    let shown = counted.saturating_add(c.error_elements);
                    let base = shown.saturating_sub(d.errors.unwrap_or(0).min(c.error_elements));
                    push(
                        "failures",
                        d.failures,
                        explain(base, u64::MAX, d.failures.unwrap_or(0)),
                        format!(
                            "{counted} failed assertion(s) outside [!mayfail]/[!shouldfail] tests and {} <error> element(s) (Catch2 counts a fatal signal as a failure); a [!shouldfail] test that passed is counted but not written",
                            c.error_elements
                        ),
                    );
                }
                // gotestsum's root counts each package's failed TestMain (a build
                // or vet failure, an exit outside a test), its suites do not.
                Dialect::Gotestsum if level.root && c.pseudo > 0 => push(
                    "failures",
                    d.failures,
                    explain(failures, c.pseudo, d.failures.unwrap_or(0)),
                    format!(
                        "{failures} testcases with <failure>, and up to {} failed TestMain pseudo testcase(s), which gotestsum's root counts",
                        c.pseudo
                    ),
                ),
                Dialect::Jasmine => push(
                    "failures",
                    d.failures,
                    c.failure_elements,
                    format!(
                        "{} <failure> elements in {failures} testcases: jasmine-reporters counts failed expectations, one <failure> each",
                        c.failure_elements
                    ),
                ),
                _ => push("failures", d.failures, failures, "testcases with <failure>".into()),
            }
            match dialect {
                Dialect::Catch2 => push(
                    "errors",
                    d.errors,
                    explain(0, c.error_elements, d.errors.unwrap_or(0)),
                    format!("at most the {} <error> element(s): unexpected exceptions", c.error_elements),
                ),
                Dialect::Karma => push(
                    "errors",
                    d.errors,
                    explain(c.error, u64::MAX, d.errors.unwrap_or(0)),
                    format!(
                        "{} testcases with <error>; karma writes a browser error (a file that fails to load, a failing beforeAll) only as this count and in <system-out>",
                        c.error
                    ),
                ),
                Dialect::NetteTester => push(
                    "errors",
                    d.errors,
                    c.failure.saturating_add(c.error),
                    "testcases with <failure> or <error> (Nette Tester counts a failed test as an error)".into(),
                ),
                _ => push("errors", d.errors, c.error, "testcases with <error>".into()),
            }
            let skipped = match dialect {
                Dialect::Libtest => {
                    let absent = d.tests.map_or(0, |t| t.saturating_sub(cases));
                    (
                        c.skipped + absent,
                        format!(
                            "{} testcases with <skipped> + {absent} tests counted but not written (ignored)",
                            c.skipped
                        ),
                    )
                }
                _ => (c.skipped, "testcases with <skipped>".to_owned()),
            };
            push("skipped", d.skipped, skipped.0, skipped.1);
        }
    }
    if let Some(disabled) = d.disabled {
        if matches!(dialect, Dialect::Googletest | Dialect::Ctest) || c.disabled > 0 {
            push(
                "disabled",
                Some(disabled),
                c.disabled,
                "testcases the tool marks disabled (GoogleTest `result=\"suppressed\"`, CTest `status=\"disabled\"`)"
                    .into(),
            );
        } else {
            push(
                "disabled",
                Some(disabled),
                explain(0, c.skipped, disabled),
                format!("disabled tests can only show as skipped: {} testcases with <skipped>", c.skipped),
            );
        }
    }
    push("flakes", d.flakes, c.flaky, "testcases with flakyFailure/flakyError and no failure".into());
    out
}

/// node writes its run totals only as comments at the end of the root:
/// `<!-- tests 6 -->`, `<!-- pass 2 -->`, ...
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct NodeTotals {
    pub tests: Option<u64>,
    pub suites: Option<u64>,
    pub pass: Option<u64>,
    pub fail: Option<u64>,
    pub cancelled: Option<u64>,
    pub skipped: Option<u64>,
    pub todo: Option<u64>,
    pub offset: Option<u64>,
}

impl NodeTotals {
    /// Record `tests 6`-style comment text; false when it is not a total.
    pub fn record(&mut self, text: &str, offset: u64) -> bool {
        let mut parts = text.split_whitespace();
        let (Some(key), Some(value), None) = (parts.next(), parts.next(), parts.next()) else { return false };
        let Ok(value) = value.parse::<u64>() else { return false };
        let slot = match key {
            "tests" => &mut self.tests,
            "suites" => &mut self.suites,
            "pass" => &mut self.pass,
            "fail" => &mut self.fail,
            "cancelled" => &mut self.cancelled,
            "skipped" => &mut self.skipped,
            "todo" => &mut self.todo,
            _ => return false,
        };
        *slot = Some(value);
        self.offset.get_or_insert(offset);
        true
    }

    pub fn any(&self) -> bool {
        self.tests.is_some() || self.pass.is_some() || self.fail.is_some()
    }

    /// Declared failures (node's `fail` + `cancelled`).
    pub fn failing(&self) -> Option<u64> {
        match (self.fail, self.cancelled) {
            (None, None) => None,
            (f, c) => Some(f.unwrap_or(0).saturating_add(c.unwrap_or(0))),
        }
    }

    /// Derive node's totals from the root's counters. A test with subtests is
    /// written as a `<testsuite>` yet counted as a test, so suites beyond the
    /// declared `suites` may be tests of either outcome.
    pub fn derive(&self, c: &Counters) -> Vec<Derived> {
        let extra = match self.suites {
            Some(s) => c.suites.saturating_sub(s),
            None => c.suites,
        };
        let mut out = Vec::new();
        let mut push = |field: &'static str, claimed: Option<u64>, derived: u64, evidence: String| {
            if let Some(claimed) = claimed {
                out.push(Derived { field, claimed, derived, evidence });
            }
        };
        let note = if extra > 0 {
            format!(" (+ up to {extra} tests with subtests, written as suites)")
        } else {
            String::new()
        };
        push(
            "tests",
            self.tests,
            explain(c.cases, extra, self.tests.unwrap_or(0)),
            format!("{} testcases{note}", c.cases),
        );
        push(
            "suites",
            self.suites,
            self.suites.unwrap_or(0).min(c.suites),
            format!("{} <testsuite> elements", c.suites),
        );
        push("pass", self.pass, explain(c.passed, extra, self.pass.unwrap_or(0)), format!("passing testcases{note}"));
        push(
            "fail",
            self.fail,
            explain(c.fail_plain, extra, self.fail.unwrap_or(0)),
            format!("testcases with <failure>, not todo, not cancelled{note}"),
        );
        push(
            "cancelled",
            self.cancelled,
            c.cancelled,
            "testcases with a cancellation <failure> (cancelledByParent, testTimeoutFailure)".into(),
        );
        push("skipped", self.skipped, c.skipped_plain, "testcases with <skipped>, not todo".into());
        push("todo", self.todo, c.todo, "testcases with <skipped type=\"todo\">".into());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_clamps_into_the_explained_range() {
        assert_eq!(explain(2, 3, 4), 4);
        assert_eq!(explain(2, 3, 9), 5);
        assert_eq!(explain(2, 3, 0), 2);
        assert_eq!(explain(2, u64::MAX, 9), 9);
    }
}
