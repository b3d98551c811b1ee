//! The gate document (`truegreen.gate.v1`), as JSON.

use std::io::Write;

use crate::gate::GateResult;

pub fn render(result: &GateResult, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, result)?;
    out.write_all(b"\n")
}

pub fn to_string(result: &GateResult) -> String {
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail, and the document holds only serializable data.
    let _ = render(result, &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
