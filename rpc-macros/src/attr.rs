//! The macro's own attributes, parsed into types in one place: the arguments of
//! `#[service(..)]` and the `#[rpc(..)]` helper attribute on methods.
//!
//! Unknown keys are reported on the key with the list of accepted ones, a repeated key on
//! its second occurrence; parsing goes on after an error so the user sees every error at once.

use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, LitStr, Token};

use crate::ctxt::Ctxt;

/// The name of the helper attribute on methods.
pub(crate) const HELPER: &str = "rpc";

const SERVICE_KEYS: &str = "`namespace`, `crate`, `client`, `server`";
const METHOD_KEYS: &str = "`name`, `aliases`";

/// `#[service(namespace = "..", crate = "..", client, server)]`.
#[derive(Default)]
pub(crate) struct ServiceArgs {
    /// Prefix of every wire name, joined with `.`.
    pub(crate) namespace: Option<LitStr>,
    /// Path of the runtime crate, `::rpc_runtime` when absent.
    pub(crate) krate: Option<syn::Path>,
    /// `client`: generate the clients (all sides when neither flag is given).
    pub(crate) client: Option<Span>,
    /// `server`: generate the server (all sides when neither flag is given).
    pub(crate) server: Option<Span>,
}

impl ServiceArgs {
    /// Parses the arguments of the attribute; errors go to `cx`.
    pub(crate) fn parse(cx: &Ctxt, tokens: TokenStream) -> ServiceArgs {
        let mut args = ServiceArgs::default();
        let parser = syn::meta::parser(|meta| {
            let path = &meta.path;
            if path.is_ident("namespace") {
                let value: LitStr = meta.value()?.parse()?;
                set_once(cx, &mut args.namespace, value, path, "namespace");
            } else if path.is_ident("crate") {
                let value: LitStr = meta.value()?.parse()?;
                match value.parse::<syn::Path>() {
                    Ok(krate) => set_once(cx, &mut args.krate, krate, path, "crate"),
                    Err(_) => cx.error_spanned_by(
                        &value,
                        format!(
                            "`{}` is not a path; write e.g. `crate = \"::rpc_runtime\"`",
                            value.value()
                        ),
                    ),
                }
            } else if path.is_ident("client") || path.is_ident("server") {
                let is_client = path.is_ident("client");
                let (slot, key) = if is_client {
                    (&mut args.client, "client")
                } else {
                    (&mut args.server, "server")
                };
                if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                    cx.error_spanned_by(
                        path,
                        format!("`{key}` takes no value: write `{key}` alone"),
                    );
                    skip_value(&meta)?;
                }
                set_once(cx, slot, path.span(), path, key);
            } else {
                unknown_key(cx, path, "`#[service]`", SERVICE_KEYS);
                skip_value(&meta)?;
            }
            Ok(())
        });
        if let Err(e) = parser.parse2(tokens) {
            cx.syn_error(e);
        }
        args
    }
}

/// What `#[rpc(..)]` says about one method.
#[derive(Default)]
pub(crate) struct MethodAttrs {
    /// `name = ".."`: the wire name, namespaced.
    pub(crate) name: Option<LitStr>,
    /// `aliases = [".."]`: other full wire names, not namespaced.
    pub(crate) aliases: Option<Vec<LitStr>>,
}

impl MethodAttrs {
    /// Parses every `#[rpc(..)]` among `attrs`; keys may be spread over several of them.
    pub(crate) fn parse(cx: &Ctxt, attrs: &[Attribute]) -> MethodAttrs {
        let mut out = MethodAttrs::default();
        for attr in attrs.iter().filter(|a| is_helper(a)) {
            if let syn::Meta::Path(_) = attr.meta {
                cx.error_spanned_by(
                    attr,
                    format!("expected `#[rpc(..)]` with one of {METHOD_KEYS}"),
                );
                continue;
            }
            let result = attr.parse_nested_meta(|meta| {
                let path = &meta.path;
                if path.is_ident("name") {
                    let value: LitStr = meta.value()?.parse()?;
                    set_once(cx, &mut out.name, value, path, "name");
                } else if path.is_ident("aliases") {
                    let input = meta.value()?;
                    let aliases = parse_string_list(input)?;
                    set_once(cx, &mut out.aliases, aliases, path, "aliases");
                } else {
                    unknown_key(cx, path, "`#[rpc]`", METHOD_KEYS);
                    skip_value(&meta)?;
                }
                Ok(())
            });
            if let Err(e) = result {
                cx.syn_error(e);
            }
        }
        out
    }
}

/// Whether `attr` is the macro's helper attribute.
pub(crate) fn is_helper(attr: &Attribute) -> bool {
    attr.path().is_ident(HELPER)
}

/// `["a", "b"]`.
fn parse_string_list(input: ParseStream<'_>) -> syn::Result<Vec<LitStr>> {
    if !input.peek(syn::token::Bracket) {
        return Err(input.error("expected a list of strings: `aliases = [\"name\", ..]`"));
    }
    let content;
    syn::bracketed!(content in input);
    let list = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
    Ok(list.into_iter().collect())
}

fn set_once<T>(cx: &Ctxt, slot: &mut Option<T>, value: T, path: &syn::Path, key: &str) {
    if slot.is_some() {
        cx.error_spanned_by(path, format!("`{key}` is given more than once"));
    } else {
        *slot = Some(value);
    }
}

fn unknown_key(cx: &Ctxt, path: &syn::Path, attr: &str, keys: &str) {
    let name = quote::ToTokens::to_token_stream(path)
        .to_string()
        .replace(' ', "");
    cx.error_spanned_by(
        path,
        format!("unknown key `{name}` in {attr}; expected one of {keys}"),
    );
}

/// Skips `= value` or `(..)` after a key that was reported, so parsing goes on.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        let _: syn::Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _: proc_macro2::Group = meta.input.parse()?;
    }
    Ok(())
}
