//! Publishing a verdict to GitHub: the check run with its annotations, the
//! job summary, step outputs, an optional commit status, and the fallback to
//! workflow-command annotations when the token cannot write checks.
//!
//! The verdict is decided before anything here runs, and nothing here can
//! change it: every failure becomes a line in [`PublishReport::log`], never an
//! error. The renderers in [`crate::render::github`] produce the content; this
//! module only delivers it.

mod api;
pub mod baseline;
mod check_run;
mod clock;
mod comment;
mod context;
mod files;

pub use api::{ApiError, HttpPolicy};
pub use check_run::{Delivered, external_id};
pub use clock::{Clock, Sleep, SystemClock, VirtualClock};
pub use comment::{COMMENTS_PER_PAGE, CommentDelivered, MAX_COMMENT_PAGES};
pub use context::{GitHubContext, PullRequestRef, Repository, Token};
pub use files::random_hex;

use serde_json::{Value, json};

use crate::exit_code::{FailOn, TruegreenExitCode};
use crate::gate::GateResult;
use crate::render::comment::{self as comment_render, CommentLinks};
use crate::render::gate as gate_render;
use crate::render::github::{self as gh, WORKFLOW_ANNOTATIONS_PER_LEVEL};
use crate::verdict::{Status, Verdict};

/// What is published: one check's verdict, or the gate over a matrix. The
/// delivery (check run, retries, fallback, job summary, outputs) is the same.
#[derive(Clone, Copy, Debug)]
pub enum Subject<'a> {
    Verdict(&'a Verdict),
    Gate(&'a GateResult),
}

impl<'a> From<&'a Verdict> for Subject<'a> {
    fn from(verdict: &'a Verdict) -> Self {
        Self::Verdict(verdict)
    }
}

impl<'a> From<&'a GateResult> for Subject<'a> {
    fn from(gate: &'a GateResult) -> Self {
        Self::Gate(gate)
    }
}

impl Subject<'_> {
    pub fn status(self) -> Status {
        match self {
            Self::Verdict(v) => v.status,
            Self::Gate(g) => g.status,
        }
    }

    pub fn exit_code(self) -> i32 {
        match self {
            Self::Verdict(v) => v.exit_code,
            Self::Gate(g) => g.exit_code,
        }
    }

    fn title(self) -> String {
        match self {
            Self::Verdict(v) => gh::check_run_title(v),
            Self::Gate(g) => gate_render::check_run::title(g),
        }
    }

    fn summary(self) -> String {
        match self {
            Self::Verdict(v) => gh::check_run_summary(v),
            Self::Gate(g) => gate_render::check_run::summary(g),
        }
    }

    fn text(self) -> String {
        match self {
            Self::Verdict(v) => gh::check_run_text(v),
            Self::Gate(g) => gate_render::check_run::text(g),
        }
    }

    fn annotations(self, paths: &gh::RepoPaths) -> Vec<gh::Annotation> {
        match self {
            Self::Verdict(v) => gh::annotations(v, paths),
            Self::Gate(g) => gate_render::check_run::annotations(g, paths),
        }
    }

    fn job_summary(self, label: Option<&str>, budget: usize) -> String {
        match self {
            Self::Verdict(v) => gh::job_summary(v, label, budget),
            Self::Gate(g) => gh::labelled(label, |max| gate_render::markdown::render_bounded(g, max), budget),
        }
    }

    fn comment(self, marker: &str, links: &CommentLinks<'_>) -> String {
        match self {
            Self::Verdict(v) => comment_render::verdict_comment(v, marker, links),
            Self::Gate(g) => comment_render::gate_comment(g, marker, links),
        }
    }

    fn commit_status_description(self) -> String {
        match self {
            Self::Verdict(v) => gh::commit_status_description(v),
            Self::Gate(g) => gate_render::check_run::commit_status_description(g),
        }
    }

    fn outputs(
        self,
        check_run_url: Option<&str>,
        json: Option<&str>,
        markdown: Option<&str>,
    ) -> Vec<(&'static str, String)> {
        match self {
            Self::Verdict(v) => gh::step_outputs(v, check_run_url, json, markdown),
            Self::Gate(g) => gate_render::check_run::step_outputs(g, check_run_url, json, markdown),
        }
    }
}

/// Where the verdict goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PublishMode {
    /// Inside GitHub Actions: a check run when the token can write one, else
    /// the job summary and workflow-command annotations. Outside: nothing.
    #[default]
    Auto,
    /// A check run with annotations, and the job summary; falls back to
    /// workflow-command annotations when the token cannot write checks.
    CheckRun,
    /// The job summary and workflow-command annotations; no API call.
    Summary,
    /// Nothing but step outputs.
    Off,
}

/// Whether to keep a comment on the pull request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CommentMode {
    /// On a pull request, when a check run is published: one comment per check
    /// name, updated in place. Not from a matrix cell (`--shard`): the gate
    /// comments for the whole matrix.
    #[default]
    Auto,
    /// No comment.
    Off,
}

/// Publishing settings, from the CLI.
#[derive(Clone, Debug)]
pub struct PublishOptions {
    pub mode: PublishMode,
    pub check_name: String,
    /// The matrix cell (`toJSON(matrix)`).
    pub shard: Option<Value>,
    pub fail_on: FailOn,
    /// Also post a commit status (needs `statuses: write`).
    pub commit_status: bool,
    /// The pull request comment (needs `pull-requests: write`).
    pub comment: CommentMode,
    /// Where the verdict document and the markdown report were written, for the outputs.
    pub json_path: Option<String>,
    pub markdown_path: Option<String>,
    /// Annotations sent at most; past it, a notice says how many were left out.
    pub max_annotations: usize,
    pub http: HttpPolicy,
}

impl Default for PublishOptions {
    fn default() -> Self {
        Self {
            mode: PublishMode::Auto,
            check_name: "truegreen".to_owned(),
            shard: None,
            fail_on: FailOn::Failure,
            commit_status: false,
            comment: CommentMode::Auto,
            json_path: None,
            markdown_path: None,
            max_annotations: gh::DEFAULT_MAX_ANNOTATIONS,
            http: HttpPolicy::default(),
        }
    }
}

/// What publishing did. Informational only: the verdict is already final.
#[derive(Clone, Debug, Default)]
pub struct PublishReport {
    pub check_run: Option<Delivered>,
    pub annotations_total: usize,
    /// Annotations went out as workflow commands.
    pub workflow_annotations: bool,
    pub job_summary_written: bool,
    pub outputs_written: bool,
    pub commit_status_posted: bool,
    /// The pull request comment, posted or updated.
    pub comment: Option<CommentDelivered>,
    /// HTTP requests sent, retries included.
    pub requests: u32,
    /// Lines for the job log: workflow commands inside GitHub Actions.
    pub log: String,
}

impl PublishReport {
    pub fn check_run_url(&self) -> Option<&str> {
        self.check_run.as_ref().and_then(|d| d.html_url.as_deref())
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Route {
    Nothing,
    /// Job summary and workflow-command annotations, with the reason when the
    /// user did not ask for exactly this.
    Summary(Option<String>),
    CheckRun,
}

fn route(mode: PublishMode, ctx: &GitHubContext) -> Route {
    match mode {
        PublishMode::Off => Route::Nothing,
        PublishMode::Summary => Route::Summary(None),
        PublishMode::CheckRun => Route::CheckRun,
        PublishMode::Auto if !ctx.actions => Route::Nothing,
        PublishMode::Auto if ctx.read_only_fork => Route::Summary(Some(
            "this pull request comes from a fork, whose token is read-only: no check run and no pull request \
             comment; the annotations are workflow commands and the report is in the job summary (see docs/action.md for the workflow_run recipe)"
                .to_owned(),
        )),
        PublishMode::Auto if ctx.token.is_none() => Route::Summary(Some(
            "no token: no check run; the annotations are workflow commands and the report is in the job summary"
                .to_owned(),
        )),
        PublishMode::Auto => Route::CheckRun,
    }
}

/// Publish with real time. Never fails; see [`PublishReport::log`].
pub fn publish<'a>(subject: impl Into<Subject<'a>>, ctx: &GitHubContext, opts: &PublishOptions) -> PublishReport {
    let mut job = Job::prepare(subject.into(), ctx, opts);
    if job.route == Route::CheckRun {
        match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(runtime) => {
                let clock = SystemClock::new();
                runtime.block_on(job.check_run(&clock));
            }
            Err(e) => job.fall_back(&format!("no check run: cannot start the HTTP runtime: {e}"), false),
        }
    }
    job.finish()
}

/// Publish with the given clock (tests pass a [`VirtualClock`]). Must run
/// inside a Tokio runtime.
pub async fn publish_with<'a>(
    subject: impl Into<Subject<'a>>,
    ctx: &GitHubContext,
    opts: &PublishOptions,
    clock: &dyn Clock,
) -> PublishReport {
    let mut job = Job::prepare(subject.into(), ctx, opts);
    if job.route == Route::CheckRun {
        job.check_run(clock).await;
    }
    job.finish()
}

/// One publication, in three steps: local files first (they cannot fail for
/// network reasons), then the API, then the outputs that name its result.
struct Job<'a> {
    subject: Subject<'a>,
    ctx: &'a GitHubContext,
    opts: &'a PublishOptions,
    route: Route,
    name: String,
    annotations: Vec<gh::Annotation>,
    report: PublishReport,
}

impl<'a> Job<'a> {
    fn prepare(subject: Subject<'a>, ctx: &'a GitHubContext, opts: &'a PublishOptions) -> Self {
        let route = route(opts.mode, ctx);
        let name = gh::check_run_name(&opts.check_name, opts.shard.as_ref());
        let mut annotations = if route == Route::Nothing { Vec::new() } else { subject.annotations(&ctx.repo_paths()) };
        gh::cap_annotations(&mut annotations, opts.max_annotations);
        let mut job = Self {
            subject,
            ctx,
            opts,
            route,
            name,
            report: PublishReport { annotations_total: annotations.len(), ..PublishReport::default() },
            annotations,
        };
        if job.route != Route::Nothing {
            job.write_job_summary();
        }
        if let Route::Summary(reason) = &job.route {
            let reason = reason.clone();
            job.workflow_annotations(reason.as_deref(), true);
        }
        job
    }

    fn notice(&mut self, message: &str) {
        self.log("notice", message);
    }

    fn warning(&mut self, message: &str) {
        self.log("warning", message);
    }

    fn log(&mut self, level: &str, message: &str) {
        if self.ctx.actions {
            self.report.log.push_str(&gh::workflow_command(level, &[("title", "truegreen")], message));
        } else {
            self.report.log.push_str(&format!("truegreen: {level}: {}\n", crate::text::terminal_safe(message)));
        }
    }

    fn write_job_summary(&mut self) {
        let Some(path) = self.ctx.step_summary.clone() else { return };
        let budget = files::job_summary_budget(&path);
        // Below this the verdict table itself might not fit.
        if budget < 8 * 1024 {
            self.warning("the job summary is full (1 MiB per step): the report was not added to it");
            return;
        }
        // The default name repeats the report's own heading; any other labels it.
        let label = (self.name != "truegreen").then_some(self.name.as_str());
        let summary = self.subject.job_summary(label, budget);
        match files::append(&path, &summary) {
            Ok(()) => self.report.job_summary_written = true,
            Err(e) => self.warning(&format!("could not write the job summary: {e}")),
        }
    }

    fn workflow_annotations(&mut self, reason: Option<&str>, notice: bool) {
        if let Some(reason) = reason {
            if notice { self.notice(reason) } else { self.warning(reason) }
        }
        self.report.log.push_str(&gh::workflow_commands(&self.annotations, WORKFLOW_ANNOTATIONS_PER_LEVEL));
        self.report.workflow_annotations = true;
    }

    fn fall_back(&mut self, reason: &str, expected: bool) {
        let reason = format!("{reason}. The verdict and the exit code are unchanged.");
        self.workflow_annotations(Some(&reason), expected);
    }

    async fn check_run(&mut self, clock: &dyn Clock) {
        let (Some(token), Some(repository), Some(sha)) =
            (self.ctx.token.as_ref(), self.ctx.repository.as_ref(), self.ctx.head_sha.as_deref())
        else {
            let missing = match (&self.ctx.token, &self.ctx.repository) {
                (None, _) => "no token",
                (_, None) => "GITHUB_REPOSITORY is not set",
                _ => "no commit SHA (GITHUB_SHA or the event payload)",
            };
            self.fall_back(&format!("no check run: {missing}; the report is in the job summary"), true);
            return;
        };
        let mut api = match api::Api::new(&self.ctx.api_url, Some(token), self.opts.http.clone(), clock) {
            Ok(api) => api,
            Err(e) => {
                self.fall_back(&format!("no check run: {e}"), false);
                return;
            }
        };
        let title = self.subject.title();
        let summary = self.subject.summary();
        let text = self.subject.text();
        let external_id = check_run::external_id(&self.opts.check_name, self.opts.shard.as_ref());
        let plan = check_run::CheckRunPlan {
            repository,
            head_sha: sha,
            name: &self.name,
            external_id: &external_id,
            conclusion: self.opts.fail_on.conclusion(self.subject.status()),
            title: &title,
            summary: &summary,
            text: &text,
            annotations: &self.annotations,
        };
        match check_run::deliver(&mut api, &plan).await {
            Ok(delivered) => {
                let what = if delivered.created { "created" } else { "updated (found from an earlier attempt)" };
                let url = delivered.html_url.clone().unwrap_or_default();
                self.report.log.push_str(&format!(
                    "truegreen: check run {what}: {url} ({} annotations)\n",
                    delivered.annotations_sent
                ));
                self.report.check_run = Some(delivered);
            }
            Err(error) => {
                self.report.check_run = error.delivered().cloned();
                let denied = error.api_error().filter(|e| e.is_permission_denied());
                let reason = if let Some(api_error) = denied {
                    format!(
                        "the token cannot write check runs ({api_error}). Pull requests from forks get a read-only \
                         token; otherwise grant `permissions: checks: write`. The annotations are workflow commands \
                         and the report is in the job summary"
                    )
                } else {
                    format!("{error}; the annotations are workflow commands and the report is in the job summary")
                };
                self.fall_back(&reason, denied.is_some());
            }
        }
        if self.opts.commit_status {
            self.commit_status(&mut api, repository, sha).await;
        }
        self.pull_request_comment(&mut api, repository).await;
        self.report.requests = api.requests;
    }

    async fn commit_status(&mut self, api: &mut api::Api<'_>, repository: &Repository, sha: &str) {
        let state = match self.opts.fail_on.exit_code(self.subject.status()) {
            TruegreenExitCode::PASS => "success",
            _ => "failure",
        };
        let mut body = json!({
            "state": state,
            "context": self.name,
            "description": self.subject.commit_status_description(),
        });
        if let Some(url) = self.ctx.run_url() {
            body["target_url"] = Value::String(url);
        }
        let path = format!("/repos/{}/{}/statuses/{sha}", repository.owner, repository.name);
        match api.post(&path, body).await {
            Ok(_) => self.report.commit_status_posted = true,
            Err(e) => self.warning(&format!(
                "could not post the commit status ({e}); it needs `permissions: statuses: write`. \
                 The verdict and the exit code are unchanged."
            )),
        }
    }

    /// Update the check's comment on the pull request, or post it. Only the
    /// gate comments on a matrix: a cell's comment would be one of many.
    async fn pull_request_comment(&mut self, api: &mut api::Api<'_>, repository: &Repository) {
        if self.opts.comment == CommentMode::Off {
            return;
        }
        let Some(pull_request) = self.ctx.pull_request.as_ref() else { return };
        if matches!(self.subject, Subject::Verdict(_)) && self.opts.shard.is_some() {
            self.report.log.push_str(
                "truegreen: no pull request comment from a matrix cell (--shard): the gate posts one for the whole matrix\n",
            );
            return;
        }
        let marker = comment_render::marker(&self.opts.check_name);
        let run_url = self.ctx.run_url();
        let default_name = matches!(self.opts.check_name.as_str(), "truegreen" | "truegreen gate");
        let links = CommentLinks {
            label: (!default_name).then_some(self.opts.check_name.as_str()),
            commit: self.ctx.head_sha.as_deref(),
            check_run_url: self.report.check_run_url(),
            run_url: run_url.as_deref(),
        };
        let body = self.subject.comment(&marker, &links);
        let plan = comment::CommentPlan {
            repository,
            api_url: &self.ctx.api_url,
            pull_request,
            head_sha: self.ctx.head_sha.as_deref(),
            marker: &marker,
            body: &body,
        };
        match comment::deliver(api, &plan).await {
            Ok(delivered) => {
                let what = if delivered.created { "posted" } else { "updated" };
                let url = delivered.html_url.clone().unwrap_or_default();
                self.report.log.push_str(&format!("truegreen: pull request comment {what}: {url}\n"));
                self.report.comment = Some(delivered);
            }
            Err(error) => {
                let unchanged = "The verdict and the exit code are unchanged.";
                if let Some(api_error) = error.api_error().filter(|e| e.is_permission_denied()) {
                    self.notice(&format!(
                        "no pull request comment: the token cannot comment ({api_error}). Grant `permissions: \
                         pull-requests: write`; a fork's pull request gets a read-only token (see docs/action.md \
                         for the workflow_run recipe). {unchanged}"
                    ));
                } else if let comment::CommentError::Create(_) = error {
                    self.warning(&format!(
                        "{error}. It was not retried, so that no second comment can appear; the next run looks \
                         for it before posting. {unchanged}"
                    ));
                } else {
                    self.warning(&format!("no pull request comment: {error}. {unchanged}"));
                }
            }
        }
    }

    fn finish(mut self) -> PublishReport {
        if let Some(path) = self.ctx.output.clone() {
            let outputs = self.subject.outputs(
                self.report.check_run_url(),
                self.opts.json_path.as_deref(),
                self.opts.markdown_path.as_deref(),
            );
            match files::write_outputs(&path, &outputs) {
                Ok(()) => self.report.outputs_written = true,
                Err(e) => self.warning(&format!("could not write the step outputs: {e}")),
            }
        }
        self.report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(actions: bool, fork: bool, token: bool) -> GitHubContext {
        GitHubContext {
            actions,
            read_only_fork: fork,
            token: if token { Token::new("t") } else { None },
            ..GitHubContext::default()
        }
    }

    #[test]
    fn auto_picks_the_check_run_only_where_it_can_work() {
        assert_eq!(route(PublishMode::Auto, &ctx(true, false, true)), Route::CheckRun);
        assert!(
            matches!(route(PublishMode::Auto, &ctx(true, true, true)), Route::Summary(Some(r)) if r.contains("fork"))
        );
        assert!(
            matches!(route(PublishMode::Auto, &ctx(true, false, false)), Route::Summary(Some(r)) if r.contains("no token"))
        );
        assert_eq!(route(PublishMode::Auto, &ctx(false, false, true)), Route::Nothing);
        assert_eq!(route(PublishMode::CheckRun, &ctx(true, true, true)), Route::CheckRun);
        assert_eq!(route(PublishMode::Summary, &ctx(true, false, true)), Route::Summary(None));
        assert_eq!(route(PublishMode::Off, &ctx(true, false, true)), Route::Nothing);
    }
}
