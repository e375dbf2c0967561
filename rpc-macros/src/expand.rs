//! The pipeline: lower the trait, check it, then render the trait and each generated item.
//! On error the user's trait is still emitted (without the helper attributes), next to the
//! errors, so code using the trait does not fail with a second wave of errors.

mod client;
mod server;
mod trait_def;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::ast::Service;
use crate::attr::ServiceArgs;
use crate::check;
use crate::ctxt::Ctxt;

/// Expands `#[service(args)] item`.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let original: syn::ItemTrait = match syn::parse2(item.clone()) {
        Ok(original) => original,
        Err(_) => {
            let error = syn::Error::new(
                proc_macro2::Span::call_site(),
                "`#[service]` goes on a trait: `#[service] pub trait Calculator { .. }`",
            )
            .to_compile_error();
            return quote!(#item #error);
        }
    };
    let cx = Ctxt::new();
    let args = ServiceArgs::parse(&cx, args);
    let service = Service::from_syn(&cx, &original, args);
    if !cx.has_errors() {
        check::check(&cx, &service);
    }
    match cx.check() {
        Ok(()) => render(&service),
        Err(errors) => {
            let fallback = trait_def::fallback(&original);
            let errors = errors.to_compile_error();
            quote!(#fallback #errors)
        }
    }
}

fn render(service: &Service<'_>) -> TokenStream {
    let mut out = trait_def::render(service);
    if service.client {
        client::render(service, false).to_tokens(&mut out);
        client::render(service, true).to_tokens(&mut out);
    }
    if service.server {
        server::render(service).to_tokens(&mut out);
    }
    out
}

/// Prints `path::to::runtime::__private`: the one way generated code names the runtime.
pub(crate) struct Private<'a>(pub(crate) &'a syn::Path);

impl ToTokens for Private<'_> {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let krate = self.0;
        quote!(#krate::__private).to_tokens(tokens);
    }
}
