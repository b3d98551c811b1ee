//! Bounded line reading for the line-oriented readers.

use std::io::BufRead;

use super::ParseError;
use crate::model::Position;

/// Read the next line (with its newline) into `buf`, refusing lines longer than
/// `max` bytes instead of buffering them. Returns the bytes consumed; 0 at the end.
/// `line_no` is the number of lines read so far, for the error position.
pub fn next_line(input: &mut dyn BufRead, buf: &mut Vec<u8>, max: usize, line_no: u64) -> Result<usize, ParseError> {
    buf.clear();
    let at = || Position::line(line_no + 1);
    let mut limited = std::io::Read::take(input, max as u64 + 1);
    let n = limited.read_until(b'\n', buf).map_err(|e| ParseError::new(format!("read error: {e}"), at()))?;
    if buf.len() > max {
        return Err(ParseError::new(format!("line longer than {max} bytes"), at()));
    }
    Ok(n)
}
