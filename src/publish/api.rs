//! The REST client: octocrab for transport and auth, with truegreen's own
//! retry policy on top.
//!
//! octocrab's retry layer is switched off: it would re-send a POST on a 5xx and
//! create a second check run. Here a POST is sent exactly once; GET and PATCH
//! are retried on 429, on a secondary-rate-limit 403 and on 5xx, waiting what
//! `Retry-After` or `x-ratelimit-reset` asks, within a deadline for the whole
//! publication. Every request has connect, read and overall timeouts, so a
//! server that hangs cannot hang the job.

use std::collections::VecDeque;
use std::time::Duration;

use http::HeaderMap;
use octocrab::Octocrab;
use serde_json::Value;

use super::clock::Clock;
use super::context::Token;
use crate::text::{one_line, truncate};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Patch => "PATCH",
        }
    }
}

/// Timeouts, retries and pacing. [`HttpPolicy::default`] suits a CI job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpPolicy {
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// One request, start to last body byte.
    pub request_timeout: Duration,
    /// Attempts per GET or PATCH, the first included.
    pub max_attempts: u32,
    /// First backoff for a 5xx without `Retry-After`; doubles per attempt.
    pub base_backoff: Duration,
    /// Longest backoff without a server hint.
    pub max_backoff: Duration,
    /// No retry or pacing wait may end later than this after the first
    /// request: publication is bounded in time.
    pub deadline: Duration,
    /// Writes (POST, PATCH) per rolling minute; GitHub's secondary limit is 80.
    pub writes_per_minute: usize,
}

impl Default for HttpPolicy {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(60),
            max_attempts: 5,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            deadline: Duration::from_secs(300),
            writes_per_minute: 75,
        }
    }
}

/// A response, whatever its status.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Response {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
    }

    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
    }

    /// GitHub's `message`, made safe to print.
    fn message(&self) -> String {
        let message = self
            .json()
            .and_then(|v| v.get("message").and_then(Value::as_str).map(str::to_owned))
            .unwrap_or_else(|| self.body.clone());
        truncate(&one_line(&message), 300)
    }

    fn is_rate_limited(&self) -> bool {
        self.status == 429
            || (self.status == 403
                && (self.header("retry-after").is_some()
                    || self.header("x-ratelimit-remaining") == Some("0")
                    || self.body.to_ascii_lowercase().contains("rate limit")))
    }
}

/// Why a request did not succeed. The text never holds the token: it is built
/// from the method, the path, the status and GitHub's message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("{method} {path}: HTTP {status}: {message}")]
    Status { method: &'static str, path: String, status: u16, message: String },
    #[error("{method} {path}: {detail}")]
    Transport { method: &'static str, path: String, detail: String },
    #[error("{method} {path}: no complete response within {}s", after.as_secs_f32())]
    Timeout { method: &'static str, path: String, after: Duration },
    #[error("{last} (gave up: {reason})")]
    GaveUp { last: Box<ApiError>, reason: String },
    #[error("cannot set up the GitHub client: {0}")]
    Setup(String),
}

impl ApiError {
    /// The final HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status, .. } => Some(*status),
            Self::GaveUp { last, .. } => last.status(),
            _ => None,
        }
    }

    /// The token may not do this (401, a 403 that is no rate limit, or a 404 on
    /// a repository it cannot see): fork pull requests, `checks: write` missing.
    pub fn is_permission_denied(&self) -> bool {
        matches!(self, Self::Status { status: 401 | 403 | 404, .. })
    }
}

/// The client for one publication.
pub struct Api<'c> {
    octocrab: Octocrab,
    clock: &'c dyn Clock,
    policy: HttpPolicy,
    writes: VecDeque<Duration>,
    /// Requests sent, retries included.
    pub requests: u32,
}

impl<'c> Api<'c> {
    /// A client for `api_url` (`GITHUB_API_URL`; GHES's `/api/v3` path is kept).
    /// Must be called inside a Tokio runtime.
    pub fn new(
        api_url: &str,
        token: Option<&Token>,
        policy: HttpPolicy,
        clock: &'c dyn Clock,
    ) -> Result<Self, ApiError> {
        let mut builder = Octocrab::builder()
            .base_uri(api_url.trim_end_matches('/'))
            .map_err(|e| ApiError::Setup(format!("GITHUB_API_URL {api_url:?} is not a URL: {}", error_chain(&e))))?
            .add_retry_config(octocrab::service::middleware::retry::RetryConfig::None)
            .set_connect_timeout(Some(policy.connect_timeout))
            .set_read_timeout(Some(policy.read_timeout))
            .set_write_timeout(Some(policy.read_timeout))
            .add_header(http::header::ACCEPT, "application/vnd.github+json".to_owned());
        if let Some(token) = token {
            builder = builder.personal_token(token.expose().to_owned());
        }
        let octocrab = builder.build().map_err(|e| ApiError::Setup(error_chain(&e)))?;
        Ok(Self { octocrab, clock, policy, writes: VecDeque::new(), requests: 0 })
    }

    pub async fn get(&mut self, path: &str) -> Result<Response, ApiError> {
        self.send(Method::Get, path.to_owned(), None, false).await
    }

    /// GET an endpoint that answers with a redirect (an artifact's download),
    /// retried like [`Api::get`]: the redirect's target, never followed here,
    /// so that the token is never sent where it points.
    pub async fn get_redirect(&mut self, path: &str) -> Result<String, ApiError> {
        let response = self.send(Method::Get, path.to_owned(), None, true).await?;
        match response.header("location") {
            Some(location) if response.is_redirect() => Ok(location.to_owned()),
            _ => Err(ApiError::Status {
                method: Method::Get.as_str(),
                path: path.to_owned(),
                status: response.status,
                message: "expected a redirect to the download, got no Location".to_owned(),
            }),
        }
    }

    /// Sent once, never retried: a retried POST can create a duplicate.
    pub async fn post(&mut self, path: &str, body: Value) -> Result<Response, ApiError> {
        self.send(Method::Post, path.to_owned(), Some(body), false).await
    }

    pub async fn patch(&mut self, path: &str, body: Value) -> Result<Response, ApiError> {
        self.send(Method::Patch, path.to_owned(), Some(body), false).await
    }

    /// Send with retries. A redirect is an answer only when `redirect_expected`.
    async fn send(
        &mut self,
        method: Method,
        path: String,
        body: Option<Value>,
        redirect_expected: bool,
    ) -> Result<Response, ApiError> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            if self.clock.elapsed() > self.policy.deadline {
                return Err(ApiError::GaveUp {
                    last: Box::new(ApiError::Transport {
                        method: method.as_str(),
                        path: path.clone(),
                        detail: "not sent".to_owned(),
                    }),
                    reason: format!("the {}s publishing deadline has passed", self.policy.deadline.as_secs()),
                });
            }
            if method != Method::Get {
                self.pace_writes(method, &path).await?;
            }
            self.requests += 1;
            let result = self.send_once(method, &path, body.as_ref()).await;
            let (error, delay) = match result {
                Ok(response) if response.is_success() || (redirect_expected && response.is_redirect()) => {
                    return Ok(response);
                }
                Ok(response) => {
                    let delay = self.retry_delay(method, &response, attempt);
                    let error = ApiError::Status {
                        method: method.as_str(),
                        path: path.clone(),
                        status: response.status,
                        message: response.message(),
                    };
                    (error, delay)
                }
                // A GET changes nothing, so a transport failure can be retried;
                // a write may have landed before the connection broke.
                Err(error) => (error, (method == Method::Get).then(|| self.backoff(attempt))),
            };
            let Some(delay) = delay else { return Err(error) };
            if attempt >= self.policy.max_attempts {
                return Err(ApiError::GaveUp { last: Box::new(error), reason: format!("{attempt} attempts") });
            }
            if self.clock.elapsed() + delay > self.policy.deadline {
                return Err(ApiError::GaveUp {
                    last: Box::new(error),
                    reason: format!(
                        "waiting {}s more would pass the {}s publishing deadline",
                        delay.as_secs(),
                        self.policy.deadline.as_secs()
                    ),
                });
            }
            self.clock.sleep(delay).await;
        }
    }

    async fn send_once(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Response, ApiError> {
        let transport = |e: octocrab::Error| ApiError::Transport {
            method: method.as_str(),
            path: path.to_owned(),
            detail: error_chain(&e),
        };
        let exchange = async {
            let response = match method {
                Method::Get => self.octocrab._get(path).await,
                Method::Post => self.octocrab._post(path, body).await,
                Method::Patch => self.octocrab._patch(path, body).await,
            }
            .map_err(transport)?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body = self.octocrab.body_to_string(response).await.map_err(transport)?;
            Ok(Response { status, headers, body })
        };
        tokio::time::timeout(self.policy.request_timeout, exchange).await.unwrap_or_else(|_| {
            Err(ApiError::Timeout {
                method: method.as_str(),
                path: path.to_owned(),
                after: self.policy.request_timeout,
            })
        })
    }

    /// How long to wait before retrying, or `None` when the answer is final.
    fn retry_delay(&self, method: Method, response: &Response, attempt: u32) -> Option<Duration> {
        if method == Method::Post {
            return None;
        }
        let rate_limited = response.is_rate_limited();
        if !rate_limited && !(500..600).contains(&response.status) {
            return None;
        }
        if let Some(after) = response.header("retry-after").and_then(|v| parse_retry_after(v, self.clock.unix_now())) {
            return Some(after.max(Duration::from_secs(1)));
        }
        if rate_limited
            && response.header("x-ratelimit-remaining") == Some("0")
            && let Some(reset) = response.header("x-ratelimit-reset").and_then(|v| v.parse::<u64>().ok())
        {
            return Some(Duration::from_secs(reset.saturating_sub(self.clock.unix_now()) + 1));
        }
        if rate_limited {
            // GitHub: without a hint, wait at least a minute after a secondary limit.
            return Some(Duration::from_secs(60));
        }
        Some(self.backoff(attempt))
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.policy.base_backoff.saturating_mul(factor).min(self.policy.max_backoff)
    }

    /// Keep writes under the per-minute budget, so that a long annotation run
    /// does not trip the secondary rate limit in the first place.
    async fn pace_writes(&mut self, method: Method, path: &str) -> Result<(), ApiError> {
        let window = Duration::from_secs(60);
        let now = self.clock.elapsed();
        while self.writes.front().is_some_and(|t| now.saturating_sub(*t) >= window) {
            self.writes.pop_front();
        }
        if self.writes.len() >= self.policy.writes_per_minute.max(1)
            && let Some(oldest) = self.writes.front().copied()
        {
            let wait = (oldest + window).saturating_sub(now);
            if now + wait > self.policy.deadline {
                return Err(ApiError::GaveUp {
                    last: Box::new(ApiError::Transport {
                        method: method.as_str(),
                        path: path.to_owned(),
                        detail: "not sent".to_owned(),
                    }),
                    reason: format!("the {}s publishing deadline", self.policy.deadline.as_secs()),
                });
            }
            self.clock.sleep(wait).await;
            self.writes.pop_front();
        }
        self.writes.push_back(self.clock.elapsed());
        Ok(())
    }
}

/// `Retry-After` as seconds or as an HTTP date.
fn parse_retry_after(value: &str, unix_now: u64) -> Option<Duration> {
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?.timestamp();
    Some(Duration::from_secs(u64::try_from(at).ok()?.saturating_sub(unix_now)))
}

/// An error and its sources, joined: octocrab's own `Display` is just "GitHub".
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    truncate(&one_line(&parts.join(": ")), 500)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::clock::VirtualClock;

    fn response(status: u16, headers: &[(&'static str, &str)], body: &str) -> Response {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            if let Ok(value) = http::HeaderValue::from_str(v) {
                map.insert(*k, value);
            }
        }
        Response { status, headers: map, body: body.to_owned() }
    }

    fn delay(clock: &VirtualClock, method: Method, r: &Response, attempt: u32) -> Option<Duration> {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
        let rt = rt.unwrap_or_else(|e| panic!("runtime: {e}"));
        rt.block_on(async {
            let api = Api::new("http://127.0.0.1:9", None, HttpPolicy::default(), clock);
            let api = api.unwrap_or_else(|e| panic!("{e}"));
            api.retry_delay(method, r, attempt)
        })
    }

    #[test]
    fn posts_are_never_retried() {
        let clock = VirtualClock::new(1_000);
        assert_eq!(delay(&clock, Method::Post, &response(502, &[], ""), 1), None);
        assert_eq!(delay(&clock, Method::Post, &response(429, &[("retry-after", "1")], ""), 1), None);
    }

    #[test]
    fn retry_after_and_rate_limit_reset_are_honored() {
        let clock = VirtualClock::new(1_000);
        let secondary =
            response(403, &[("retry-after", "7")], r#"{"message":"You have exceeded a secondary rate limit"}"#);
        assert_eq!(delay(&clock, Method::Patch, &secondary, 1), Some(Duration::from_secs(7)));
        let primary = response(403, &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1010")], "{}");
        assert_eq!(delay(&clock, Method::Get, &primary, 1), Some(Duration::from_secs(11)));
        let bare = response(403, &[], r#"{"message":"You have exceeded a secondary rate limit."}"#);
        assert_eq!(delay(&clock, Method::Get, &bare, 1), Some(Duration::from_secs(60)));
        let date = response(429, &[("retry-after", "Thu, 01 Jan 1970 00:16:50 GMT")], "");
        assert_eq!(delay(&clock, Method::Get, &date, 1), Some(Duration::from_secs(10)));
    }

    #[test]
    fn server_errors_back_off_and_client_errors_are_final() {
        let clock = VirtualClock::new(0);
        assert_eq!(delay(&clock, Method::Patch, &response(500, &[], ""), 1), Some(Duration::from_secs(1)));
        assert_eq!(delay(&clock, Method::Patch, &response(502, &[], ""), 3), Some(Duration::from_secs(4)));
        assert_eq!(delay(&clock, Method::Patch, &response(503, &[], ""), 30), Some(Duration::from_secs(30)));
        let denied = response(403, &[], r#"{"message":"Resource not accessible by integration"}"#);
        assert_eq!(delay(&clock, Method::Patch, &denied, 1), None);
        assert_eq!(delay(&clock, Method::Patch, &response(422, &[], "{}"), 1), None);
    }

    #[test]
    fn errors_print_githubs_message_safely() {
        let r = response(403, &[], "{\"message\":\"Resource not accessible\\nby integration\"}");
        let e = ApiError::Status { method: "POST", path: "/x".into(), status: r.status, message: r.message() };
        assert_eq!(e.to_string(), "POST /x: HTTP 403: Resource not accessible by integration");
        assert!(e.is_permission_denied());
    }
}
