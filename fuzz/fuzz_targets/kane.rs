#![no_main]

mod common;

use truegreen::model::Format;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check(data, Some(Format::Kane), "run.ndjson"));
