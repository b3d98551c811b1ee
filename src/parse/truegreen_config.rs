//! `.truegreen.yml` passed as a report (`--format truegreen-config`): its
//! waivers become observations, judged like any other evidence.

use std::io::{BufRead, Read};

use super::{ParseError, ReadContext};
use crate::config::{self, MAX_CONFIG_BYTES};
use crate::model::{Evidence, Position};

pub fn read(input: &mut dyn BufRead, ev: &mut Evidence, _cx: &ReadContext<'_>) -> Result<(), ParseError> {
    let mut text = String::new();
    input
        .take(MAX_CONFIG_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| ParseError::new(format!("cannot read: {e}"), Position::default()))?;
    // The rest is not read: parsing the first megabyte alone could succeed.
    if text.len() as u64 > MAX_CONFIG_BYTES {
        return Err(ParseError::new(
            format!("larger than {MAX_CONFIG_BYTES} bytes"),
            Position::offset(MAX_CONFIG_BYTES),
        ));
    }
    let config = config::parse(&text).map_err(|e| ParseError::new(e.to_string(), Position::default()))?;
    config.record_entries(chrono::Utc::now().date_naive(), ev);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_read_as_a_report_is_not_cut_to_its_first_megabyte() {
        let mut text = String::from("min-tests: 1\n");
        while text.len() <= MAX_CONFIG_BYTES as usize {
            text.push_str("# padding that a cut would turn into a shorter, valid file\n");
        }
        let info = crate::model::ArtifactInfo {
            path: ".truegreen.yml".into(),
            format: None,
            sha256: None,
            size: 0,
            modified: None,
        };
        let mut ev = crate::model::Evidence::new(info, crate::model::EvidenceLimits::default());
        let cx = crate::parse::ReadContext::new(crate::model::Format::TruegreenConfig, None, Default::default());
        let err =
            crate::parse::read_format(&mut text.as_bytes(), &mut ev, &cx).err().map(|e| e.message).unwrap_or_default();
        assert_eq!(err, "larger than 1048576 bytes");
    }
}
