//! The inventory file: every test a check read, written while the reports are
//! read, so it costs no memory per test. Documented in docs/inventory.md.
//!
//! gzip-compressed text, one gzip member for the header and one per report
//! (members concatenate, so a report's lines are compressed while it is read):
//!
//! ```text
//! truegreen-inventory 1
//! M {"truegreen":"0.1.0","commit":"…","run_id":"…","created":"…"}
//! R <format id> <report path>
//! S <suite>
//! T <outcome> <milliseconds or -> <name>
//! E <number of reports>
//! ```
//!
//! The last member holds only the `E` line: a file cut between two members
//! is still valid gzip, and without it would read as a smaller run, whose
//! missing tests would go unreported.
//!
//! Fields are tab-separated; a tab, newline, carriage return or backslash in a
//! name is escaped (`\t`, `\n`, `\r`, `\\`). A `T` line belongs to the latest
//! `S` (an empty `S` is "no suite") of the latest `R`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};

use crate::model::{CaseOutcome, Format};

/// The first line of every inventory, with the version of the layout.
pub const MAGIC: &str = "truegreen-inventory";
pub const VERSION: u32 = 1;
/// A line longer than this is not an inventory's: names are capped at
/// `--max-message-bytes` when written.
const MAX_LINE: usize = 1 << 20;

/// Who wrote an inventory, and for which commit and run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The truegreen version that wrote it.
    pub truegreen: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<chrono::DateTime<chrono::Utc>>,
    /// The matrix cell the check ran (`check --shard`), as given: what the
    /// gate files this inventory's reports under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<serde_json::Value>,
    /// A gate's inventory: the cells' merged, each report under its cell.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub matrix: bool,
}

fn outcome_letter(outcome: CaseOutcome) -> char {
    match outcome {
        CaseOutcome::Passed => 'p',
        CaseOutcome::Failed => 'f',
        CaseOutcome::Errored => 'e',
        CaseOutcome::Incomplete => 'i',
        CaseOutcome::Skipped => 's',
        CaseOutcome::Flaky => 'k',
    }
}

fn outcome_from_letter(letter: &str) -> Option<CaseOutcome> {
    Some(match letter {
        "p" => CaseOutcome::Passed,
        "f" => CaseOutcome::Failed,
        "e" => CaseOutcome::Errored,
        "i" => CaseOutcome::Incomplete,
        "s" => CaseOutcome::Skipped,
        "k" => CaseOutcome::Flaky,
        _ => return None,
    })
}

/// Append `text` escaped for one tab-separated field.
pub fn escape_into(text: &str, out: &mut Vec<u8>) {
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        let escaped: &[u8] = match b {
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\\' => b"\\\\",
            _ => continue,
        };
        out.extend_from_slice(&text.as_bytes()[start..i]);
        out.extend_from_slice(escaped);
        start = i + 1;
    }
    out.extend_from_slice(&text.as_bytes()[start..]);
}

fn unescape(field: &str) -> std::borrow::Cow<'_, str> {
    if !field.contains('\\') {
        return std::borrow::Cow::Borrowed(field);
    }
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The lines of one report, compressed as they are written: one gzip member.
pub struct MemberWriter {
    encoder: GzEncoder<Vec<u8>>,
    line: Vec<u8>,
}

impl std::fmt::Debug for MemberWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberWriter").field("compressed", &self.encoder.get_ref().len()).finish()
    }
}

impl MemberWriter {
    pub fn report(format: Format, path: &str) -> Self {
        Self::report_in(format, path, None)
    }

    /// A report of a matrix cell (its key), in the gate's merged inventory.
    pub fn report_in(format: Format, path: &str, cell: Option<&str>) -> Self {
        let mut writer = Self { encoder: GzEncoder::new(Vec::new(), Compression::fast()), line: Vec::new() };
        writer.line.extend_from_slice(b"R\t");
        writer.line.extend_from_slice(format.id().as_bytes());
        writer.line.push(b'\t');
        escape_into(path, &mut writer.line);
        if let Some(cell) = cell {
            writer.line.push(b'\t');
            escape_into(cell, &mut writer.line);
        }
        writer.end_line();
        writer
    }

    pub fn suite(&mut self, suite: &str) {
        self.line.extend_from_slice(b"S\t");
        escape_into(suite, &mut self.line);
        self.end_line();
    }

    pub fn test(&mut self, outcome: CaseOutcome, millis: Option<u64>, name: &str) {
        let mut letter = [0u8; 4];
        self.line.extend_from_slice(b"T\t");
        self.line.extend_from_slice(outcome_letter(outcome).encode_utf8(&mut letter).as_bytes());
        self.line.push(b'\t');
        match millis {
            Some(ms) => self.line.extend_from_slice(ms.to_string().as_bytes()),
            None => self.line.push(b'-'),
        }
        self.line.push(b'\t');
        escape_into(name, &mut self.line);
        self.end_line();
    }

    /// Lines are gathered and compressed in blocks: one call per line would
    /// cost more than the compression.
    fn end_line(&mut self) {
        self.line.push(b'\n');
        if self.line.len() >= 64 * 1024 {
            self.flush_lines();
        }
    }

    fn flush_lines(&mut self) {
        // Writing into a Vec cannot fail.
        let _ = self.encoder.write_all(&self.line);
        self.line.clear();
    }

    /// The compressed member.
    pub fn finish(mut self) -> Vec<u8> {
        self.flush_lines();
        self.encoder.finish().unwrap_or_default()
    }
}

/// Write a whole inventory: the header member, then each report's member.
pub fn write<'m>(path: &Path, header: &Header, members: impl IntoIterator<Item = &'m [u8]>) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    out.write_all(&header_member(header)?)?;
    let mut reports = 0;
    for member in members {
        out.write_all(member)?;
        reports += 1;
    }
    out.write_all(&end_member(reports)?)?;
    out.flush()
}

/// The header's gzip member: the magic line and the `M` line.
pub fn header_member(header: &Header) -> std::io::Result<Vec<u8>> {
    let mut head = GzEncoder::new(Vec::new(), Compression::fast());
    let meta = serde_json::to_string(header).map_err(std::io::Error::other)?;
    write!(head, "{MAGIC} {VERSION}\nM\t{meta}\n")?;
    head.finish()
}

/// The last member: the `E` line with the number of reports before it.
pub fn end_member(reports: usize) -> std::io::Result<Vec<u8>> {
    let mut end = GzEncoder::new(Vec::new(), Compression::fast());
    writeln!(end, "E\t{reports}")?;
    end.finish()
}

/// One test line, as read back.
#[derive(Clone, Debug, PartialEq)]
pub struct TestLine<'a> {
    /// Index of its report, in file order.
    pub report: u32,
    pub format: Format,
    pub suite: &'a str,
    pub name: &'a str,
    pub outcome: CaseOutcome,
    pub millis: Option<u64>,
}

/// A report as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportLine {
    pub format: Format,
    pub path: String,
    /// The matrix cell's key, in a gate's inventory; `None` in a check's.
    pub cell: Option<String>,
}

/// Why an inventory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("cannot read it: {0}")]
    Io(#[from] std::io::Error),
    #[error("it is not a truegreen inventory (no `{MAGIC}` header)")]
    NotAnInventory,
    #[error("it is a version {found} inventory; this truegreen reads version {VERSION}")]
    Version { found: String },
    #[error("line {line}: {detail}")]
    Malformed { line: u64, detail: String },
}

/// One line of an inventory, as [`read`] hands it over.
pub enum Line<'a> {
    Report(&'a ReportLine),
    Test(&'a TestLine<'a>),
}

/// Read an inventory line by line, handing each report and test to `visit`.
/// Memory does not grow with the file.
pub fn read(input: impl Read, mut visit: impl FnMut(Line<'_>)) -> Result<Header, InventoryError> {
    let mut lines = BufReader::with_capacity(64 * 1024, MultiGzDecoder::new(input));
    let mut buf = Vec::new();
    let mut number = 0u64;
    let malformed = |line: u64, detail: &str| InventoryError::Malformed { line, detail: detail.to_owned() };

    read_magic(&mut lines, &mut buf, &mut number)?;
    let mut header = None;
    let mut report: Option<(u32, Format)> = None;
    let mut reports = 0u32;
    let mut suite = String::new();
    let mut ended = false;
    while let Some(line) = next_line(&mut lines, &mut buf, &mut number)? {
        if ended {
            return Err(malformed(number, "a line after the end line"));
        }
        let mut fields = line.splitn(4, '\t');
        match fields.next() {
            Some("E") => {
                if fields.next() != Some(reports.to_string().as_str()) {
                    return Err(malformed(number, "the end line counts another number of reports"));
                }
                ended = true;
            }
            Some("M") if header.is_none() => {
                let json = fields.next().unwrap_or_default();
                header = Some(serde_json::from_str(json).map_err(|e| malformed(number, &e.to_string()))?);
            }
            Some("R") => {
                let id = fields.next().unwrap_or_default();
                let format = Format::from_id(id).ok_or_else(|| malformed(number, "a report of an unknown format"))?;
                let path =
                    unescape(fields.next().ok_or_else(|| malformed(number, "a report without a path"))?).into_owned();
                let cell = fields.next().map(|cell| unescape(cell).into_owned());
                visit(Line::Report(&ReportLine { format, path, cell }));
                report = Some((reports, format));
                reports += 1;
                suite.clear();
            }
            Some("S") => {
                suite = unescape(fields.next().unwrap_or_default()).into_owned();
            }
            Some("T") => {
                let (index, format) = report.ok_or_else(|| malformed(number, "a test before any report"))?;
                let outcome = fields.next().and_then(outcome_from_letter);
                let outcome = outcome.ok_or_else(|| malformed(number, "a test without a known outcome"))?;
                let millis = match fields.next() {
                    Some("-") => None,
                    Some(ms) => Some(ms.parse().map_err(|_| malformed(number, "a duration that is not a number"))?),
                    None => return Err(malformed(number, "a test without a duration field")),
                };
                let name = unescape(fields.next().ok_or_else(|| malformed(number, "a test without a name"))?);
                visit(Line::Test(&TestLine { report: index, format, suite: &suite, name: &name, outcome, millis }));
            }
            _ => return Err(malformed(number, "an unknown line")),
        }
    }
    if !ended {
        return Err(malformed(number, "the file is cut short: no end line"));
    }
    header.ok_or_else(|| malformed(number, "no header (M) line"))
}

/// Only the header (the magic line and the `M` line), without reading the
/// tests: the gate looks at its cells' headers before merging them.
pub fn read_header(input: impl Read) -> Result<Header, InventoryError> {
    let mut lines = BufReader::new(MultiGzDecoder::new(input));
    let mut buf = Vec::new();
    let mut number = 0u64;
    read_magic(&mut lines, &mut buf, &mut number)?;
    let no_header = |line| InventoryError::Malformed { line, detail: "no header (M) line".to_owned() };
    let line = next_line(&mut lines, &mut buf, &mut number)?.ok_or_else(|| no_header(number))?;
    let json = line.strip_prefix("M\t").ok_or_else(|| no_header(number))?;
    serde_json::from_str(json).map_err(|e| InventoryError::Malformed { line: number, detail: e.to_string() })
}

/// The first line: an inventory of the version this truegreen reads.
fn read_magic(lines: &mut impl BufRead, buf: &mut Vec<u8>, number: &mut u64) -> Result<(), InventoryError> {
    let first = next_line(lines, buf, number)?.ok_or(InventoryError::NotAnInventory)?;
    let version = first.strip_prefix(MAGIC).and_then(|v| v.strip_prefix(' ')).ok_or(InventoryError::NotAnInventory)?;
    if version != VERSION.to_string() {
        return Err(InventoryError::Version { found: version.chars().take(20).collect() });
    }
    Ok(())
}

fn next_line<'b>(
    lines: &mut impl BufRead,
    buf: &'b mut Vec<u8>,
    number: &mut u64,
) -> Result<Option<&'b str>, InventoryError> {
    buf.clear();
    let read = lines.by_ref().take(MAX_LINE as u64 + 1).read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(None);
    }
    *number += 1;
    if buf.last() != Some(&b'\n') {
        let detail = if buf.len() > MAX_LINE { "a line too long" } else { "the last line is cut short" };
        return Err(InventoryError::Malformed { line: *number, detail: detail.to_owned() });
    }
    buf.pop();
    std::str::from_utf8(buf)
        .map(Some)
        .map_err(|_| InventoryError::Malformed { line: *number, detail: "not UTF-8".to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(members: Vec<Vec<u8>>) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.tginv");
        let header = Header { truegreen: "0.1.0".into(), commit: Some("abc".into()), ..Header::default() };
        write(&path, &header, members.iter().map(Vec::as_slice)).unwrap();
        std::fs::read(path).unwrap()
    }

    #[test]
    fn what_is_written_is_read_back_with_every_field() {
        let mut a = MemberWriter::report(Format::Junit, "reports/a b.xml");
        a.suite("tests.test_x");
        a.test(CaseOutcome::Passed, Some(12), "test_one[\ttab\\]");
        a.test(CaseOutcome::Failed, None, "test_two");
        let mut b = MemberWriter::report(Format::Ctrf, "ctrf.json");
        b.test(CaseOutcome::Skipped, Some(0), "lone");
        let bytes = written(vec![a.finish(), b.finish()]);

        let mut reports = Vec::new();
        let mut tests = Vec::new();
        let header = read(&bytes[..], |line| match line {
            Line::Report(r) => reports.push(r.clone()),
            Line::Test(t) => tests.push((t.report, t.suite.to_owned(), t.name.to_owned(), t.outcome, t.millis)),
        })
        .unwrap();
        assert_eq!(header.commit.as_deref(), Some("abc"));
        assert_eq!(reports[0].path, "reports/a b.xml");
        assert_eq!(reports[1].format, Format::Ctrf);
        assert_eq!(
            tests,
            vec![
                (0, "tests.test_x".into(), "test_one[\ttab\\]".into(), CaseOutcome::Passed, Some(12)),
                (0, "tests.test_x".into(), "test_two".into(), CaseOutcome::Failed, None),
                (1, String::new(), "lone".into(), CaseOutcome::Skipped, Some(0)),
            ]
        );
    }

    #[test]
    fn anything_else_is_refused_with_the_reason() {
        let not_gzip = read(&b"T\tp\t-\tname\n"[..], |_| {});
        assert!(matches!(not_gzip, Err(InventoryError::Io(_))), "{not_gzip:?}");

        let mut other = GzEncoder::new(Vec::new(), Compression::fast());
        other.write_all(b"truegreen-inventory 2\nM\t{}\n").unwrap();
        let version = read(&other.finish().unwrap()[..], |_| {});
        assert!(matches!(version, Err(InventoryError::Version { .. })), "{version:?}");

        let bytes = written(vec![MemberWriter::report(Format::Junit, "a.xml").finish()]);
        let cut = read(&bytes[..bytes.len() - 4], |_| {});
        assert!(cut.is_err(), "a cut file is refused: {cut:?}");

        // Cut between two members: still valid gzip, and still refused.
        let first = MemberWriter::report(Format::Junit, "a.xml").finish();
        let whole = written(vec![first.clone(), MemberWriter::report(Format::Junit, "b.xml").finish()]);
        let header =
            header_member(&Header { truegreen: "0.1.0".into(), commit: Some("abc".into()), ..Header::default() });
        let mut cut = header.unwrap();
        cut.extend_from_slice(&first);
        assert!(whole.starts_with(&cut), "the cut is at a member boundary");
        let at_boundary = read(&cut[..], |_| {});
        assert!(matches!(at_boundary, Err(InventoryError::Malformed { .. })), "{at_boundary:?}");
        assert!(read(&whole[..], |_| {}).is_ok());
    }
}
