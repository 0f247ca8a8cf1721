#![no_main]
//! Fuzzes shared::chat::protocol through rsstreaming_parser_checks::frame::fuzz (the rules it keeps).

libfuzzer_sys::fuzz_target!(|data: &[u8]| rsstreaming_parser_checks::frame::fuzz(data));
