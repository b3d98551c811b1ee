//! The xunit reader, forced: every input reaches it, detected or not.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check_as("xunit", data, "xunit.xml"));
