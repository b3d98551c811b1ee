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
    let config = config::parse(&text).map_err(|message| ParseError::new(message, Position::default()))?;
    config.record_entries(chrono::Utc::now().date_naive(), ev);
    Ok(())
}
