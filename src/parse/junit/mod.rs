//! JUnit XML, every common dialect, in one streaming reader over quick-xml
//! events (never a DOM).
//!
//! First witness: every `<testcase>` anywhere below the root (node puts them
//! directly under `<testsuites>`, PHPUnit nests suites), its outcome from its
//! result children: `<failure>` failed, `<error>` errored, `<skipped>`
//! skipped, `flakyFailure`/`flakyError` alone flaky (passed on a retry), any
//! `rerunFailure`/`rerunError` failed. Second witness: the counts declared on
//! `<testsuites>` and on each `<testsuite>` (and node's summary comments), each
//! paired with the count derived from the testcases below, by the producer's
//! own counting rule ([`counts`]). A declared failure no testcase shows becomes
//! a case of its own, so the run is red whichever witness shows the failure.
//!
//! Strict XML: a truncated or malformed file, an unknown entity reference
//! (entities declared in a DOCTYPE are never expanded, external ones never
//! fetched) or content after the root element stops the reader with a
//! [`ParseError`] at its byte offset; cases read before it are kept.
//!
//! Memory: passing testcases cost only the compact key in [`Evidence`];
//! names are borrowed from quick-xml's buffer, failure text is buffered (up to
//! a cap) only inside result elements, and buffers are reused.

mod attrs;
mod case;
mod counts;
mod dialect;
mod offload;
mod reproduce;
mod retry;
mod state;
mod timestamp;

use std::io::BufRead;

use quick_xml::events::Event;

use self::state::State;
use super::{ParseError, ReadContext, Sniff};
use crate::model::{Evidence, Format, Position};

/// Recognize a JUnit report by its root element, after any BOM, XML
/// declaration, comments, processing instructions and DOCTYPE.
pub fn detect(sniff: &Sniff<'_>) -> Option<Format> {
    let (root, _) = super::xml_stream::root_element(sniff)?;
    matches!(root, b"testsuites" | b"testsuite").then_some(Format::Junit)
}

/// The name given to a testcase without one (Surefire writes `name=""` for a
/// failing `@BeforeAll`).
const UNNAMED: &str = "(unnamed testcase)";

/// The event buffer's starting size; one testcase with its failure fits.
const BUF_BYTES: usize = 64 * 1024;
/// A buffer grown beyond this by one huge text node is dropped, not kept.
const MAX_RETAINED_BUF: usize = 1024 * 1024;
/// Failure text kept for the message and the stack-frame search, at least.
const MIN_CAPTURE_BYTES: usize = 64 * 1024;
/// Elements nested deeper than this make the report unparseable. Real reports
/// nest a few levels (PHPUnit's suites in suites); 100,000 levels of suites
/// would otherwise be read, and could pass, as a report of one test.
const MAX_DEPTH: usize = 256;

/// Read a JUnit report. `workspace` resolves absolute stack frames and `file`
/// attributes to source locations.
///
/// Generic over the input so that quick-xml's many small reads from it are
/// inlined, not dynamic calls: they are on the path of every event.
pub fn read<R: BufRead + ?Sized>(input: &mut R, ev: &mut Evidence, cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let workspace = cx.workspace;
    // Whitespace between elements yields no event at all: half the events of a
    // report. Turned off while failure text is captured, whose leading
    // whitespace (after `&lt;`, say) is content.
    let mut reader = super::xml_stream::strict_reader(input);
    let mut state = State::new(ev.limits().max_message_bytes.max(MIN_CAPTURE_BYTES), workspace);
    let mut buf = Vec::with_capacity(BUF_BYTES);
    let mut depth = 0usize;
    let result = loop {
        let before = reader.buffer_position();
        let step = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) => break state.end_of_input(before, ev),
            Ok(event) => {
                let offset = element_start(&event, reader.buffer_position()).unwrap_or(before);
                match &event {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => depth = depth.saturating_sub(1),
                    _ => {}
                }
                if depth > MAX_DEPTH {
                    Err(ParseError::new(
                        format!("elements nested more than {MAX_DEPTH} levels deep"),
                        Position::offset(offset),
                    ))
                } else {
                    state.event(event, offset, ev)
                }
            }
            Err(err) => Err(ParseError::new(
                format!("malformed XML: {err}"),
                Position::offset(reader.error_position().max(before)),
            )),
        };
        if let Err(err) = step {
            break Err(err);
        }
        reader.config_mut().trim_text_start = !state.capturing();
        if buf.capacity() > MAX_RETAINED_BUF {
            buf = Vec::with_capacity(BUF_BYTES);
        } else {
            buf.clear();
        }
    };
    if result.is_err() {
        state.abandon(ev);
    }
    result
}

/// The offset of a tag's (or comment's) `<`, from the offset just after it:
/// whitespace the reader skipped before it is not part of it.
fn element_start(event: &Event<'_>, end: u64) -> Option<u64> {
    match event {
        Event::Start(e) => end.checked_sub(e.len() as u64 + 2),
        Event::Empty(e) => end.checked_sub(e.len() as u64 + 3),
        Event::Comment(c) => end.checked_sub(c.len() as u64 + 7),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
