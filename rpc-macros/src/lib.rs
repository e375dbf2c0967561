//! The `service` attribute macro of `rpc-runtime`. Use it through `rpc_runtime::service`,
//! where it is documented.

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;

use proc_macro::TokenStream;

/// Turns a trait into an XML-RPC service: a typed client and the server dispatch.
///
/// See `rpc_runtime::service` for the documentation.
#[proc_macro_attribute]
pub fn service(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), &item.into()).into()
}
