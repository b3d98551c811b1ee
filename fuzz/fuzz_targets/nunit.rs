//! The nunit reader, forced: every input reaches it, detected or not.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::check_as("nunit", data, "nunit.xml"));
