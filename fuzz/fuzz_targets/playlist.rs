#![no_main]
//! Fuzzes shared::hls::playlist through rsstreaming_parser_checks::playlist::fuzz (the rules it keeps).

libfuzzer_sys::fuzz_target!(|data: &[u8]| rsstreaming_parser_checks::playlist::fuzz(data));
