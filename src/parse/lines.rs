//! Bounded line reading for line-oriented formats (TAP, test2json, libtest), and
//! a capped text buffer for the messages those readers collect.

use std::borrow::Cow;
use std::io::BufRead;

use super::ParseError;
use crate::model::Position;

/// One line of input, without its line terminator (`\n` or `\r\n`).
pub struct Line<'a> {
    /// The text, with invalid UTF-8 replaced (U+FFFD): these formats carry test
    /// output, which may hold any bytes, and a replaced byte changes no result.
    pub text: Cow<'a, str>,
    /// 1-based line number.
    pub number: u64,
    /// 0-based byte offset of the line's first byte.
    pub offset: u64,
    /// The line was longer than the reader's limit and was cut.
    pub cut: bool,
    /// The line ended with a line terminator. Only the last line of a stream can
    /// lack one, and then the producer may have been stopped while writing it.
    pub terminated: bool,
}

impl Line<'_> {
    pub fn position(&self) -> Position {
        Position { line: Some(self.number), byte_offset: Some(self.offset), ..Position::default() }
    }
}

/// Reads lines one at a time, keeping at most `max_line_bytes` of each so that
/// one huge line cannot exhaust memory.
pub struct LineReader<'r> {
    input: &'r mut dyn BufRead,
    buf: Vec<u8>,
    number: u64,
    offset: u64,
    max_line_bytes: usize,
}

impl<'r> LineReader<'r> {
    pub fn new(input: &'r mut dyn BufRead, max_line_bytes: usize) -> Self {
        Self { input, buf: Vec::new(), number: 0, offset: 0, max_line_bytes }
    }

    /// The number of the last line returned (0 before the first).
    pub fn line_number(&self) -> u64 {
        self.number
    }

    /// The next line, or `None` at the end of the input. Invalid UTF-8 is
    /// replaced and an over-long line is cut (and marked), for formats whose
    /// lines carry arbitrary test output.
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>, ParseError> {
        let Some((start, cut, terminated)) = self.fill()? else { return Ok(None) };
        Ok(Some(Line { text: String::from_utf8_lossy(&self.buf), number: self.number, offset: start, cut, terminated }))
    }

    /// The next line, for formats whose every line is structured data: a line
    /// that is not UTF-8 or is longer than the limit is an error, not repaired.
    pub fn next_strict_line(&mut self) -> Result<Option<Line<'_>>, ParseError> {
        let Some((start, cut, terminated)) = self.fill()? else { return Ok(None) };
        let position = Position { line: Some(self.number), byte_offset: Some(start), ..Position::default() };
        if cut {
            return Err(ParseError::new(format!("line longer than {} bytes", self.max_line_bytes), position));
        }
        match std::str::from_utf8(&self.buf) {
            Ok(text) => {
                Ok(Some(Line { text: Cow::Borrowed(text), number: self.number, offset: start, cut, terminated }))
            }
            Err(err) => Err(ParseError::new(
                format!("invalid UTF-8 at byte {} of the line", err.valid_up_to()),
                Position { byte_offset: Some(start + err.valid_up_to() as u64), ..position },
            )),
        }
    }

    /// Read one line into `buf` (without its terminator); returns its start
    /// offset, whether it was cut and whether it ended with a newline, or `None`
    /// at the end of the input.
    fn fill(&mut self) -> Result<Option<(u64, bool, bool)>, ParseError> {
        self.buf.clear();
        let start = self.offset;
        let mut total = 0usize;
        let mut cut = false;
        let mut terminated = false;
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(chunk) => chunk,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    return Err(ParseError::new(
                        format!("read error: {err}"),
                        Position { line: Some(self.number + 1), byte_offset: Some(start), ..Position::default() },
                    ));
                }
            };
            if chunk.is_empty() {
                break;
            }
            let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            let room = self.max_line_bytes.saturating_sub(self.buf.len());
            let keep = take.min(room);
            self.buf.extend_from_slice(&chunk[..keep]);
            cut |= keep < take && !(done && keep + 1 == take);
            self.input.consume(take);
            total += take;
            if done {
                terminated = true;
                break;
            }
        }
        if total == 0 {
            return Ok(None);
        }
        self.offset += total as u64;
        self.number += 1;
        while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
            self.buf.pop();
        }
        Ok(Some((start, cut, terminated)))
    }
}

/// Text collected up to a byte limit; what does not fit is counted, not kept.
#[derive(Clone, Debug, Default)]
pub struct CappedText {
    text: String,
    dropped: usize,
}

impl CappedText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Append a line (a newline is added between lines), keeping at most `max` bytes.
    pub fn push_line(&mut self, line: &str, max: usize) {
        let sep = usize::from(!self.text.is_empty());
        if self.text.len() + sep + line.len() <= max {
            if sep == 1 {
                self.text.push('\n');
            }
            self.text.push_str(line);
        } else {
            let room = max.saturating_sub(self.text.len() + sep);
            let kept = crate::text::prefix_within(line, room);
            if !kept.is_empty() {
                if sep == 1 {
                    self.text.push('\n');
                }
                self.text.push_str(kept);
            }
            self.dropped += line.len() - kept.len() + sep;
        }
    }

    /// Append raw text (which may hold several lines).
    pub fn push_text(&mut self, text: &str, max: usize) {
        for line in text.lines() {
            self.push_line(line, max);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, with a note of how much did not fit.
    pub fn finish(self) -> String {
        if self.dropped == 0 { self.text } else { format!("{}\n… [{} bytes not kept]", self.text, self.dropped) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], max: usize) -> Vec<(String, u64, u64, bool)> {
        let mut reader = input;
        let mut lines = LineReader::new(&mut reader, max);
        let mut out = Vec::new();
        while let Ok(Some(line)) = lines.next_line() {
            out.push((line.text.into_owned(), line.number, line.offset, line.cut));
        }
        out
    }

    #[test]
    fn lines_carry_numbers_offsets_and_lose_their_terminators() {
        let got = collect(b"a\r\nbc\n\nlast", 100);
        assert_eq!(
            got,
            vec![
                ("a".into(), 1, 0, false),
                ("bc".into(), 2, 3, false),
                (String::new(), 3, 6, false),
                ("last".into(), 4, 7, false)
            ]
        );
    }

    #[test]
    fn only_a_last_line_without_newline_is_unterminated() {
        let mut input: &[u8] = b"a\nb\r\nc";
        let mut lines = LineReader::new(&mut input, 100);
        let mut terminated = Vec::new();
        while let Ok(Some(line)) = lines.next_line() {
            terminated.push(line.terminated);
        }
        assert_eq!(terminated, vec![true, true, false]);
    }

    #[test]
    fn overlong_lines_are_cut_and_flagged_without_losing_the_next_line() {
        let got = collect(b"0123456789\nok\n", 4);
        assert_eq!(got, vec![("0123".into(), 1, 0, true), ("ok".into(), 2, 11, false)]);
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let got = collect(b"a\xffb\n", 100);
        assert_eq!(got[0].0, "a\u{fffd}b");
    }

    #[test]
    fn capped_text_keeps_a_prefix_and_counts_the_rest() {
        let mut t = CappedText::new();
        t.push_line("hello", 8);
        t.push_line("wörld", 8);
        assert_eq!(t.as_str(), "hello\nw");
        assert!(t.finish().ends_with("bytes not kept]"));
    }
}
