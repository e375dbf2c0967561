#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rpc_fuzz::checks::typed(data));
