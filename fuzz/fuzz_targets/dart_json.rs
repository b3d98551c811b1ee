//! The dart-json reader, forced: every input reaches it, detected or not.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check_as("dart-json", data, "dart-test.json"));
