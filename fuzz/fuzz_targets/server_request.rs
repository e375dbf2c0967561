#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rpc_fuzz::checks::server_request(data));
