//! Readers, one module per format, and the driver that runs one over a file.
//!
//! The driver reads each file exactly once: a prefix for format detection, then
//! the whole stream through the reader, hashing every byte on the way (on a
//! second thread for large files). Readers stream; none of them holds a whole
//! report of test cases in memory.

pub mod counts;
pub mod ctrf;
pub mod dart_json;
mod duration;
mod formats;
pub mod git_counts;
pub mod go_test;
mod hashing;
pub mod jest_json;
pub mod json;
pub mod junit;
pub mod kane;
pub mod ledger;
pub mod libtest;
pub mod lines;
pub mod location;
pub mod mocha_json;
pub mod nunit;
mod offload;
pub mod pi;
pub mod playwright_json;
pub mod rspec_json;
mod sniff;
pub mod tap;
#[cfg(test)]
pub(crate) mod testing;
mod truegreen_config;
pub mod trx;
mod worker;
mod xml_stream;
pub mod xunit;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

pub use formats::{ReadContext, detect, read_format};
use hashing::HashingReader;
pub use sniff::Sniff;

use crate::model::{ArtifactInfo, Evidence, EvidenceLimits, Excess, Format, Observation, Position};

/// Why a reader stopped. Becomes an [`Observation::Unparseable`]; evidence the
/// reader recorded before stopping is kept.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub message: String,
    pub position: Position,
}

impl ParseError {
    pub fn new(message: impl Into<String>, position: Position) -> Self {
        Self { message: message.into(), position }
    }
}

/// How many bytes detection looks at.
const SNIFF_BYTES: usize = 64 * 1024;

/// The most cases a count in a report may declare. No real suite comes near it,
/// so a larger count is a corrupt or hostile file, and refusing it keeps sums
/// of counts far from overflow and counted cases from becoming a long loop.
pub const MAX_COUNT: u64 = 1_000_000;

/// `n`, or an error naming `what` (the field as the report spells it) when `n`
/// is over [`MAX_COUNT`].
pub fn capped_count(n: u64, what: &str, position: Position) -> Result<u64, ParseError> {
    if n > MAX_COUNT {
        return Err(ParseError::new(format!("{what}: {n} is over the {MAX_COUNT} cases a report may count"), position));
    }
    Ok(n)
}

/// Options for reading artifacts.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    pub limits: EvidenceLimits,
    /// Read every file as this format instead of detecting it.
    pub forced: Option<Format>,
    /// The checkout the tests ran in (`GITHUB_WORKSPACE` or the current
    /// directory), resolved by the caller. Stack frames under it become
    /// source locations relative to it.
    pub workspace: Option<String>,
    /// Log every case by name for the test inventory (`--inventory`, `--baseline`).
    pub inventory: bool,
}

/// The outcome of looking at one candidate file.
pub enum ReadOutcome {
    /// A report, read (possibly with problems recorded as observations).
    Report(Box<Evidence>),
    /// Found by scanning a directory, and not a format truegreen reads.
    Ignored,
}

/// The format of the file at `path` from its first bytes, as detection would
/// see it; `None` for anything unreadable or not a report.
pub fn detect_file(path: &Path) -> Option<Format> {
    let mut prefix = Vec::with_capacity(4096);
    File::open(path).ok()?.take(SNIFF_BYTES as u64 + 1).read_to_end(&mut prefix).ok()?;
    let complete = prefix.len() <= SNIFF_BYTES;
    prefix.truncate(SNIFF_BYTES);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    detect(&Sniff::new(&prefix, complete, &name))
}

/// Read one file: detect, parse, hash. Problems with the content become
/// observations on the returned evidence, never errors.
pub fn read_file(path: &Path, explicit: bool, options: &ReadOptions) -> ReadOutcome {
    let meta = std::fs::metadata(path).ok();
    let info = ArtifactInfo {
        path: path.display().to_string(),
        format: None,
        sha256: None,
        size: meta.as_ref().map_or(0, |m| m.len()),
        modified: meta.and_then(|m| m.modified().ok()).map(chrono::DateTime::<chrono::Utc>::from),
    };
    // Never opened, let alone read whole: the size is known before reading.
    let limit = options.limits.max_file_bytes;
    if info.size > limit {
        let mut ev = Evidence::new(ArtifactInfo { format: options.forced, ..info }, options.limits);
        ev.observe(Observation::TooLarge { what: Excess::FileBytes, size: Some(ev.info.size), limit });
        return ReadOutcome::Report(Box::new(ev));
    }
    let outcome = match File::open(path) {
        Ok(file) => read_stream(file, info, explicit, options),
        Err(err) => {
            let mut ev = Evidence::new(ArtifactInfo { format: options.forced, ..info }, options.limits);
            ev.unparseable(format!("cannot open: {err}"), Position::default());
            return ReadOutcome::Report(Box::new(ev));
        }
    };
    if let ReadOutcome::Report(mut ev) = outcome {
        add_line_numbers(path, &mut ev);
        return ReadOutcome::Report(ev);
    }
    outcome
}

/// Read one artifact from any byte stream (a file, a pipe's capture, memory).
/// `info.path` names it in findings; its file name breaks detection ties;
/// `info.size`, when known, lets a large input be hashed on a second thread.
pub fn read_stream(input: impl Read, mut info: ArtifactInfo, explicit: bool, options: &ReadOptions) -> ReadOutcome {
    let limit = options.limits.max_file_bytes;
    let capped = CappedReader::new(input, limit);
    let exceeded = capped.exceeded();
    let mut hashing = HashingReader::new(capped, info.size);
    // The first chunk holds the prefix unless the input is shorter; nothing is
    // consumed, so the reader later starts from the first byte.
    let prefix = match hashing.fill_buf() {
        Ok(first) => first[..first.len().min(SNIFF_BYTES)].to_vec(),
        Err(err) => {
            info.format = options.forced;
            let mut ev = Evidence::new(info, options.limits);
            if exceeded.get() {
                ev.observe(Observation::TooLarge { what: Excess::FileBytes, size: None, limit });
            } else {
                ev.unparseable(format!("cannot read: {err}"), Position::offset(0));
            }
            return ReadOutcome::Report(Box::new(ev));
        }
    };
    let complete = prefix.len() < SNIFF_BYTES;
    let file_name = Path::new(&info.path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let sniff = Sniff::new(&prefix, complete, &file_name);

    if sniff.is_blank() {
        // Content cannot tell an empty file's format. A scanned directory may hold
        // empty files that are not reports (logs, markers); only those named like
        // reports count, and any empty file named explicitly does.
        if !explicit && !sniff.named_like_report() {
            return ReadOutcome::Ignored;
        }
        info.format = options.forced;
        let mut ev = Evidence::new(info, options.limits);
        ev.observe(Observation::Empty);
        drain(&mut hashing);
        finish_hash(&mut ev, hashing, &exceeded);
        return ReadOutcome::Report(Box::new(ev));
    }

    let format = match options.forced.or_else(|| detect(&sniff)) {
        Some(format) => format,
        None if explicit => {
            let mut ev = Evidence::new(info, options.limits);
            drain(&mut hashing);
            if !exceeded.get() {
                ev.observe(Observation::UnknownFormat { detail: sniff.describe() });
            }
            finish_hash(&mut ev, hashing, &exceeded);
            return ReadOutcome::Report(Box::new(ev));
        }
        None => return ReadOutcome::Ignored,
    };
    info.format = Some(format);
    let mut ev = Evidence::new(info, options.limits);
    if options.inventory && format.carries_cases() {
        let log = crate::inventory::ReportLog::new(format, &ev.info.path, options.workspace.as_deref());
        ev.log_cases(Box::new(crate::inventory::ThreadedLog::new(log)));
    }
    let cx = ReadContext::new(format, options.workspace.as_deref(), options.limits);
    let read = read_format(&mut hashing, &mut ev, &cx);
    // Whatever the reader left unread still belongs to the input's hash.
    drain(&mut hashing);
    if let Err(err) = read
        && !exceeded.get()
    {
        // Past the cap the reader only met a read error: the size is the finding.
        ev.observe(Observation::Unparseable { message: err.message, position: err.position });
    }
    finish_hash(&mut ev, hashing, &exceeded);
    ev.finish();
    ReadOutcome::Report(Box::new(ev))
}

/// Read an artifact again, only for the names of the cases whose identities
/// ([`crate::model::case_identity`]) are in `wanted`: the first read keeps a
/// passing or skipped case as an 8-byte key. The bytes must be the ones first
/// read (`first.sha256`); otherwise the error says why no name can be trusted.
/// Memory grows with `wanted`, not with the cases read.
pub fn read_names(
    first: &ArtifactInfo,
    options: &ReadOptions,
    wanted: Vec<u64>,
) -> Result<Vec<(u64, String)>, RereadError> {
    let (Some(format), Some(sha256)) = (first.format, first.sha256.as_deref()) else {
        return Err(RereadError::Unreadable);
    };
    let file = File::open(&first.path).map_err(RereadError::Open)?;
    let capped = CappedReader::new(file, options.limits.max_file_bytes);
    let exceeded = capped.exceeded();
    let mut hashing = HashingReader::new(capped, first.size);
    let mut ev = Evidence::for_naming(first.clone(), options.limits, wanted);
    let cx = ReadContext::new(format, options.workspace.as_deref(), options.limits);
    // A parse error ends the read where the first read ended too: the names met
    // up to there are the names; the hash below says whether the bytes are the same.
    let _ = read_format(&mut hashing, &mut ev, &cx);
    drain(&mut hashing);
    if exceeded.get() || hashing.finish_hex() != sha256 {
        return Err(RereadError::Changed);
    }
    Ok(ev.found_names())
}

/// Why [`read_names`] found no name it could trust.
#[derive(Debug, thiserror::Error)]
pub enum RereadError {
    /// Its format or its hash is unknown: the first read did not finish.
    #[error("the report cannot be read again")]
    Unreadable,
    #[error("the report cannot be read again: {0}")]
    Open(#[source] std::io::Error),
    #[error("the report changed after it was read")]
    Changed,
}

/// Record the input's hash, or, when the stream went past the cap, that it is
/// too large: what was read is then only a prefix, whose hash would name no file.
fn finish_hash<R: Read>(ev: &mut Evidence, hashing: HashingReader<R>, exceeded: &Exceeded) {
    if exceeded.get() {
        ev.observe(Observation::TooLarge { what: Excess::FileBytes, size: None, limit: ev.limits().max_file_bytes });
    } else {
        ev.info.sha256 = Some(hashing.finish_hex());
    }
}

/// Whether a [`CappedReader`] met more bytes than its cap; shared, because the
/// reader itself is owned by the [`HashingReader`] around it.
#[derive(Clone, Default)]
struct Exceeded(std::rc::Rc<std::cell::Cell<bool>>);

impl Exceeded {
    fn get(&self) -> bool {
        self.0.get()
    }
}

/// Lets `limit` bytes through, then fails (and says so in [`Exceeded`]) if the
/// stream holds more, so that a stream of unknown size (a pipe, a file growing
/// while read) is never read past the cap.
struct CappedReader<R> {
    inner: R,
    remaining: u64,
    exceeded: Exceeded,
}

impl<R: Read> CappedReader<R> {
    fn new(inner: R, limit: u64) -> Self {
        Self { inner, remaining: limit, exceeded: Exceeded::default() }
    }

    fn exceeded(&self) -> Exceeded {
        self.exceeded.clone()
    }
}

impl<R: Read> Read for CappedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.exceeded.get() {
            return Err(too_large());
        }
        if buf.is_empty() {
            return Ok(0);
        }
        if self.remaining == 0 {
            // At the cap: one more byte means the stream is larger than allowed.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.exceeded.0.set(true);
                    Err(too_large())
                }
            };
        }
        let room = usize::try_from(self.remaining).unwrap_or(usize::MAX).min(buf.len());
        let n = self.inner.read(&mut buf[..room])?;
        self.remaining -= n as u64;
        Ok(n)
    }
}

fn too_large() -> std::io::Error {
    std::io::Error::other("larger than --max-file-bytes")
}

/// Streaming readers report a byte offset; the line and column cost a second
/// pass over the file, paid only on this error path.
fn add_line_numbers(path: &Path, ev: &mut Evidence) {
    for obs in &mut ev.observations {
        if let Observation::Unparseable { position, .. } = obs
            && position.line.is_none()
            && let Some(offset) = position.byte_offset
            && let Some((line, column)) = line_and_column(path, offset)
        {
            position.line = Some(line);
            position.column = Some(column);
        }
    }
}

/// The 1-based line and byte column of `offset` in the file at `path`.
fn line_and_column(path: &Path, offset: u64) -> Option<(u64, u64)> {
    let mut input = BufReader::new(File::open(path).ok()?).take(offset);
    let (mut line, mut line_start, mut pos) = (1u64, 0u64, 0u64);
    loop {
        let buf = input.fill_buf().ok()?;
        if buf.is_empty() {
            break;
        }
        for i in memchr::memchr_iter(b'\n', buf) {
            line += 1;
            line_start = pos + i as u64 + 1;
        }
        let n = buf.len();
        pos += n as u64;
        input.consume(n);
    }
    (pos == offset).then_some((line, offset - line_start + 1))
}

fn drain(reader: &mut impl Read) {
    let _ = std::io::copy(reader, &mut std::io::sink());
}
