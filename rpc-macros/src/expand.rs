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
pub(crate) fn expand(args: TokenStream, item: &TokenStream) -> TokenStream {
    let Ok(original) = syn::parse2::<syn::ItemTrait>(item.clone()) else {
        // Point at the item's keyword (`struct`, `fn`, ..) when it parses as an item.
        let span = match syn::parse2::<syn::Item>(item.clone()) {
            Ok(parsed) => item_keyword_span(&parsed),
            Err(_) => proc_macro2::Span::call_site(),
        };
        let error = syn::Error::new(
            span,
            "`#[service]` goes on a trait: `#[service] pub trait Calculator { .. }`",
        )
        .to_compile_error();
        return quote!(#item #error);
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

fn item_keyword_span(item: &syn::Item) -> proc_macro2::Span {
    use syn::spanned::Spanned;
    match item {
        syn::Item::Struct(i) => i.struct_token.span,
        syn::Item::Enum(i) => i.enum_token.span,
        syn::Item::Fn(i) => i.sig.fn_token.span,
        syn::Item::Impl(i) => i.impl_token.span,
        syn::Item::Mod(i) => i.mod_token.span,
        other => other.span(),
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
    } else {
        // Without a server nothing implements the trait: it stays as the interface's
        // description, which is not dead code.
        let ident = &service.original.ident;
        let uses = service.methods.iter().map(|m| {
            let cfgs = &m.cfgs;
            let method = m.ident;
            quote!(#(#cfgs)* let _ = <__S as #ident>::#method;)
        });
        let carried = &service.cfgs;
        quote! {
            #(#carried)*
            const _: () = {
                #[allow(dead_code, deprecated)]
                fn __described_by<__S: #ident>() {
                    #(#uses)*
                }
            };
        }
        .to_tokens(&mut out);
    }
    out
}

/// The location of the user's `tokens`, in the macro's expansion context: errors point at
/// the user's tokens, while lints treat the code as generated (an `unused_qualifications`
/// on a generated path is not the user's to fix).
pub(crate) fn user_span<T: syn::spanned::Spanned>(tokens: &T) -> proc_macro2::Span {
    proc_macro2::Span::call_site().located_at(tokens.span())
}

/// Prints `path::to::runtime::__private`: the one way generated code names the runtime.
pub(crate) struct Private<'a>(pub(crate) &'a syn::Path);

impl Private<'_> {
    /// The path with every token at `span`, for code whose errors belong to a user's
    /// token (a type that lacks a trait), so no part of the error points elsewhere.
    pub(crate) fn at(&self, span: proc_macro2::Span) -> TokenStream {
        respan(self.to_token_stream(), span)
    }
}

impl ToTokens for Private<'_> {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let krate = self.0;
        quote!(#krate::__private).to_tokens(tokens);
    }
}

fn respan(tokens: TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                group.set_span(span);
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::expand;

    fn expand_to_string(args: proc_macro2::TokenStream, item: &proc_macro2::TokenStream) -> String {
        expand(args, item).to_string()
    }

    #[test]
    fn crate_override_is_the_only_runtime_path() {
        let out = expand_to_string(
            quote!(crate = "::renamed", namespace = "n"),
            &quote! {
                pub trait T {
                    async fn a(&self, x: Option<i32>) -> Result<i32, E>;
                    fn b(&self, y: Vec<u8>);
                }
            },
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(!out.contains("rpc_runtime ::"), "{out}");
        assert!(out.contains(":: renamed :: __private"), "{out}");
    }

    #[test]
    fn default_path_is_rpc_runtime() {
        let out = expand_to_string(
            quote!(),
            &quote!(
                trait T {
                    async fn a(&self);
                }
            ),
        );
        assert!(
            out.contains(":: rpc_runtime :: __private :: Future"),
            "{out}"
        );
    }

    #[test]
    fn errors_keep_the_trait() {
        let out = expand_to_string(
            quote!(bogus),
            &quote!(
                trait T {
                    #[rpc(name = "x")]
                    async fn a(self);
                }
            ),
        );
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("trait T"), "{out}");
        assert!(!out.contains("rpc ("), "helper attribute left: {out}");
        assert_eq!(out.matches("compile_error").count(), 2, "{out}");
    }
}
