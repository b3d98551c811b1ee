//! The verdict document, as JSON.

use std::io::Write;

use crate::verdict::Verdict;

pub fn render(verdict: &Verdict, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, verdict)?;
    out.write_all(b"\n")
}

pub fn to_string(verdict: &Verdict) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail, and the document holds only serializable data.
    let _ = render(verdict, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
