//! The user's trait, re-emitted: helper attributes removed, `async fn` turned into
//! `fn .. -> impl Future<Output = T> + Send` so the server can run the futures on any thread.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{ItemTrait, ReturnType, TraitItem};

use crate::ast::Service;
use crate::attr::is_helper;
use crate::expand::Private;

/// The trait with `Send` futures.
pub(crate) fn render(service: &Service<'_>) -> TokenStream {
    let private = Private(&service.krate);
    let mut item = strip(service.original);
    for trait_item in &mut item.items {
        let TraitItem::Fn(f) = trait_item else {
            continue;
        };
        if f.sig.asyncness.take().is_none() {
            continue;
        }
        let output = match &f.sig.output {
            ReturnType::Default => quote!(()),
            ReturnType::Type(_, ty) => ty.to_token_stream(),
        };
        f.sig.output = syn::parse_quote! {
            -> impl #private::Future<Output = #output> + #private::Send
        };
    }
    item.into_token_stream()
}

/// The trait as written, minus helper attributes: what is emitted next to errors.
/// Parameter patterns, already reported, become `_` so rustc does not report them again.
pub(crate) fn fallback(original: &ItemTrait) -> TokenStream {
    let mut item = strip(original);
    for trait_item in &mut item.items {
        if let TraitItem::Fn(f) = trait_item {
            for input in &mut f.sig.inputs {
                if let syn::FnArg::Typed(pt) = input
                    && !matches!(&*pt.pat, syn::Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none())
                {
                    let span = syn::spanned::Spanned::span(&pt.pat);
                    *pt.pat = syn::Pat::Wild(syn::PatWild {
                        attrs: Vec::new(),
                        underscore_token: syn::Token![_](span),
                    });
                }
            }
        }
    }
    item.into_token_stream()
}

fn strip(original: &ItemTrait) -> ItemTrait {
    let mut item = original.clone();
    for trait_item in &mut item.items {
        if let TraitItem::Fn(f) = trait_item {
            f.attrs.retain(|a| !is_helper(a));
            for input in &mut f.sig.inputs {
                if let syn::FnArg::Typed(pt) = input {
                    pt.attrs.retain(|a| !is_helper(a));
                }
            }
        }
    }
    item
}
