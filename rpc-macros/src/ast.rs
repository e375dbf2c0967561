//! The user's trait lowered once into typed structs that borrow it, so every later stage
//! can point at the user's tokens. Rules about a single item are checked here, while
//! lowering; rules across items are in `check.rs`.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{
    Attribute, FnArg, Ident, ItemTrait, LitStr, Pat, ReturnType, TraitItem, TraitItemFn, Type,
};

use crate::attr::{self, MethodAttrs, ServiceArgs};
use crate::ctxt::Ctxt;

/// The whole service.
pub(crate) struct Service<'a> {
    /// The trait as the user wrote it.
    pub(crate) original: &'a ItemTrait,
    /// The path of the runtime crate.
    pub(crate) krate: syn::Path,
    /// The namespace, without the trailing `.`.
    pub(crate) namespace: Option<String>,
    /// Whether to generate `{Trait}Client` and `{Trait}BlockingClient`.
    pub(crate) client: bool,
    /// Whether to generate `{Trait}Server`.
    pub(crate) server: bool,
    /// The methods, in declaration order.
    pub(crate) methods: Vec<Method<'a>>,
    /// The namespace literal, to point errors at.
    pub(crate) namespace_lit: Option<LitStr>,
    /// The trait's `#[cfg]` attributes, for every generated item.
    pub(crate) cfgs: Vec<&'a Attribute>,
    /// The trait's `#[deprecated]` attributes, for the generated types.
    pub(crate) deprecated: Vec<&'a Attribute>,
}

/// One method.
pub(crate) struct Method<'a> {
    /// Its Rust name.
    pub(crate) ident: &'a Ident,
    /// `async fn` (run as a future) or plain `fn` (run on the blocking pool).
    pub(crate) is_async: bool,
    /// The parameters after `&self`.
    pub(crate) params: Vec<Param<'a>>,
    /// The return type.
    pub(crate) output: Output,
    /// The wire name, namespace included.
    pub(crate) name: WireName,
    /// Other wire names, as written.
    pub(crate) aliases: Vec<WireName>,
    /// `#[doc]` attributes.
    pub(crate) docs: Vec<&'a Attribute>,
    /// `#[cfg]` and `#[cfg_attr]` attributes.
    pub(crate) cfgs: Vec<&'a Attribute>,
    /// `#[deprecated]` attributes.
    pub(crate) deprecated: Vec<&'a Attribute>,
    /// The doc comment as help text: lines trimmed, joined with `\n`.
    pub(crate) help: String,
}

/// A wire name with the tokens it came from.
pub(crate) struct WireName {
    /// The full name.
    pub(crate) value: String,
    /// Where it was written (the `name = ".."` literal, an alias, or the method's name).
    pub(crate) span: Span,
}

/// One parameter.
pub(crate) struct Param<'a> {
    /// Its name; a placeholder when the user wrote a pattern (which is an error).
    pub(crate) ident: Ident,
    /// Its type.
    pub(crate) ty: &'a Type,
    /// Whether it is one of the trailing `Option<..>` parameters a caller may leave out.
    pub(crate) optional: bool,
}

/// A return type.
pub(crate) struct Output {
    /// The value type: `T` of `-> T` or of `-> Result<T, E>`; `()` without a return type.
    pub(crate) ok: Type,
    /// `E` of `-> Result<T, E>`.
    pub(crate) err: Option<Type>,
}

impl<'a> Service<'a> {
    /// Lowers the trait; errors go to `cx`.
    pub(crate) fn from_syn(cx: &Ctxt, original: &'a ItemTrait, args: ServiceArgs) -> Service<'a> {
        // Generated types name the user's types; a trait generic over them would need a
        // generic client and server, which the macro does not generate.
        reject_generics(
            cx,
            &original.generics,
            "a service trait cannot have generic parameters",
            "a service trait cannot have a where clause",
        );
        if let Some(unsafety) = &original.unsafety {
            cx.error_spanned_by(unsafety, "a service trait cannot be `unsafe`");
        }
        if let Some(auto) = &original.auto_token {
            cx.error_spanned_by(auto, "a service trait cannot be an auto trait");
        }
        let namespace = args.namespace.as_ref().map(|lit| {
            let value = lit.value();
            check_name(cx, &value, lit.span(), "namespace");
            value
        });
        let (client, server) = match (args.client, args.server) {
            (None, None) => (true, true),
            (c, s) => (c.is_some(), s.is_some()),
        };
        let krate = args
            .krate
            .unwrap_or_else(|| syn::parse_quote!(::rpc_runtime));
        let mut methods = Vec::new();
        for item in &original.items {
            match item {
                TraitItem::Fn(f) => {
                    methods.push(Method::from_syn(cx, f, namespace.as_deref()));
                }
                // Every item must become a remote call: there is nothing on the wire an
                // associated type or constant could stand for.
                TraitItem::Type(t) => cx.error_spanned_by(
                    t,
                    "a service trait holds only methods: associated types cannot be called remotely",
                ),
                TraitItem::Const(c) => cx.error_spanned_by(
                    c,
                    "a service trait holds only methods: associated constants cannot be called remotely",
                ),
                other => cx.error_spanned_by(other, "a service trait holds only methods"),
            }
        }
        let cfgs = original
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("cfg") || a.path().is_ident("cfg_attr"))
            .collect();
        let deprecated = original
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("deprecated"))
            .collect();
        Service {
            original,
            cfgs,
            deprecated,
            krate,
            namespace,
            client,
            server,
            methods,
            namespace_lit: args.namespace,
        }
    }
}

impl<'a> Method<'a> {
    fn from_syn(cx: &Ctxt, original: &'a TraitItemFn, namespace: Option<&str>) -> Method<'a> {
        let sig = &original.sig;
        let attrs = MethodAttrs::parse(cx, &original.attrs);

        let inputs = check_signature(cx, original);

        let params = lower_params(cx, inputs);

        let output = match &sig.output {
            ReturnType::Default => Output {
                ok: syn::parse_quote!(()),
                err: None,
            },
            ReturnType::Type(_, ty) => {
                check_type(cx, ty, "return");
                match result_args(ty) {
                    Some((ok, err)) => Output {
                        ok: ok.clone(),
                        err: Some(err.clone()),
                    },
                    None => Output {
                        ok: (**ty).clone(),
                        err: None,
                    },
                }
            }
        };

        let join = |name: &str| match namespace {
            Some(ns) => format!("{ns}.{name}"),
            None => name.to_owned(),
        };
        let name = match &attrs.name {
            Some(lit) => {
                check_name(cx, &lit.value(), lit.span(), "method name");
                WireName {
                    value: join(&lit.value()),
                    span: lit.span(),
                }
            }
            None => WireName {
                value: join(&sig.ident.unraw().to_string()),
                span: sig.ident.span(),
            },
        };
        let aliases = attrs
            .aliases
            .unwrap_or_default()
            .into_iter()
            .map(|lit| {
                check_name(cx, &lit.value(), lit.span(), "alias");
                WireName {
                    value: lit.value(),
                    span: lit.span(),
                }
            })
            .collect();

        let docs: Vec<_> = original
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .collect();
        let cfgs = original
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("cfg") || a.path().is_ident("cfg_attr"))
            .collect();
        let deprecated = original
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("deprecated"))
            .collect();
        let help = help_text(&docs);

        Method {
            ident: &sig.ident,
            is_async: sig.asyncness.is_some(),
            params,
            output,
            name,
            aliases,
            docs,
            cfgs,
            deprecated,
            help,
        }
    }
}

/// The parameters after `&self`, the trailing `Option`s marked optional.
fn lower_params<'a>(cx: &Ctxt, inputs: syn::punctuated::Iter<'a, FnArg>) -> Vec<Param<'a>> {
    let mut params = Vec::new();
    for (index, input) in inputs.enumerate() {
        let FnArg::Typed(pt) = input else {
            continue;
        };
        for a in pt.attrs.iter().filter(|a| attr::is_helper(a)) {
            cx.error_spanned_by(a, "`#[rpc]` is not supported on parameters");
        }
        let ident = match &*pt.pat {
            // Generated code names its locals `__..`; a parameter could shadow them.
            Pat::Ident(p) if p.ident.to_string().starts_with("__") => {
                cx.error_spanned_by(
                    &p.ident,
                    "parameter names starting with `__` are reserved for the generated code",
                );
                p.ident.clone()
            }
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => p.ident.clone(),
            other => {
                cx.error_spanned_by(
                    other,
                    "a service method's parameters must be plain names: patterns cannot be used here",
                );
                Ident::new(&format!("__param{index}"), other.span())
            }
        };
        check_type(cx, &pt.ty, "parameter");
        params.push(Param {
            ident,
            ty: &pt.ty,
            optional: false,
        });
    }
    // The trailing `Option` parameters may be left out by the caller.
    for p in params.iter_mut().rev() {
        if !is_option(p.ty) {
            break;
        }
        p.optional = true;
    }

    params
}

/// Checks the receiver and the qualifiers of a method; returns its inputs after `&self`.
fn check_signature<'a>(cx: &Ctxt, original: &'a TraitItemFn) -> syn::punctuated::Iter<'a, FnArg> {
    // The server runs the method on a shared implementation, possibly many calls at
    // once: it can only lend `&self`.
    let sig = &original.sig;
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_none() && r.colon_token.is_none() => {
            if let Some((_, Some(lt))) = &r.reference {
                cx.error_spanned_by(lt, "write `&self` without a lifetime");
            }
        }
        Some(FnArg::Receiver(r)) => cx.error_spanned_by(
            r,
            "a service method takes `&self`: the server shares one implementation between concurrent calls",
        ),
        _ => cx.error_at(
            sig.ident.span(),
            "a service method takes `&self` as its first parameter",
        ),
    }
    if sig.receiver().is_none() {
        // The first input was a typed parameter: put it back.
        inputs = sig.inputs.iter();
    }

    // Each generic parameter would have to be chosen by the remote caller.
    reject_generics(
        cx,
        &sig.generics,
        "a service method cannot be generic: its parameter and return types must be concrete",
        "a service method cannot have a where clause",
    );
    if let Some(c) = &sig.constness {
        cx.error_spanned_by(c, "a service method cannot be `const`");
    }
    if let Some(u) = &sig.unsafety {
        cx.error_spanned_by(u, "a service method cannot be `unsafe`");
    }
    if let Some(a) = &sig.abi {
        cx.error_spanned_by(a, "a service method cannot have an ABI");
    }
    if let Some(v) = &sig.variadic {
        cx.error_spanned_by(v, "a service method cannot be variadic");
    }
    // A default body would run in the server but its future need not be `Send`.
    if let Some(body) = &original.default {
        cx.error_at(
            body.brace_token.span.join(),
            "a service method cannot have a default body: write it in the impl",
        );
    }

    inputs
}

/// The doc comment's lines, trimmed, joined with `\n`, without leading or trailing blank lines.
fn help_text(docs: &[&Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in docs {
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            lines.extend(s.value().split('\n').map(|l| l.trim().to_owned()));
        }
    }
    lines.join("\n").trim().to_owned()
}

/// Reports generic parameters (with `generic`) or else a where clause (with `where_clause`):
/// neither the trait nor a method may have them.
fn reject_generics(cx: &Ctxt, generics: &syn::Generics, generic: &str, where_clause: &str) {
    if !generics.params.is_empty() {
        cx.error_spanned_by(generics, generic);
    } else if let Some(w) = &generics.where_clause {
        cx.error_spanned_by(w, where_clause);
    }
}

// A wire name must survive every XML-RPC peer: the spec allows only these characters in
// a methodName.
fn check_name(cx: &Ctxt, name: &str, span: Span, what: &str) {
    if name.is_empty() {
        cx.error_at(span, format!("the {what} cannot be empty"));
    } else if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '/')))
    {
        cx.error_at(
            span,
            format!(
                "the {what} `{name}` contains {c:?}; XML-RPC method names use only A-Z, a-z, 0-9, `_`, `.`, `:` and `/`"
            ),
        );
    } else if name.starts_with('.') || name.ends_with('.') || name.contains("..") {
        cx.error_at(
            span,
            format!("the {what} `{name}` has an empty part between dots"),
        );
    }
}

// Values cross the network by value: a borrowed or opaque type cannot be decoded into,
// and its owned form is what the caller should write.
fn check_type(cx: &Ctxt, ty: &Type, what: &str) {
    match ty {
        Type::Reference(r) => cx.error_spanned_by(
            r,
            format!(
                "a {what} type cannot be a reference: values are sent by value (use `String` for `&str`, `Vec<T>` for `&[T]`)"
            ),
        ),
        Type::ImplTrait(i) if what == "return" => cx.error_spanned_by(
            i,
            "a return type must be a concrete type, not `impl Trait`; \
             for a method that returns a future, write `async fn`",
        ),
        Type::ImplTrait(i) => cx.error_spanned_by(
            i,
            format!("a {what} type must be a concrete type, not `impl Trait`"),
        ),
        Type::Paren(p) => check_type(cx, &p.elem, what),
        Type::Group(g) => check_type(cx, &g.elem, what),
        _ => {}
    }
}

/// Whether `ty` is spelled `Option<..>` (any path ending so).
fn is_option(ty: &Type) -> bool {
    last_segment(ty).is_some_and(|(name, args)| name == "Option" && args.len() == 1)
}

/// `(T, E)` when `ty` is spelled `Result<T, E>` (any path ending so).
fn result_args(ty: &Type) -> Option<(&Type, &Type)> {
    let (name, args) = last_segment(ty)?;
    if name != "Result" || args.len() != 2 {
        return None;
    }
    match (args[0], args[1]) {
        (syn::GenericArgument::Type(ok), syn::GenericArgument::Type(err)) => Some((ok, err)),
        _ => None,
    }
}

fn last_segment(ty: &Type) -> Option<(String, Vec<&syn::GenericArgument>)> {
    let Type::Path(tp) = ty else {
        return None;
    };
    if tp.qself.is_some() {
        return None;
    }
    let seg = tp.path.segments.last()?;
    let args = match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a.args.iter().collect(),
        _ => Vec::new(),
    };
    Some((seg.ident.to_string(), args))
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use super::*;

    fn lower(item: &ItemTrait, f: impl FnOnce(&Service<'_>)) {
        let cx = Ctxt::new();
        let service = Service::from_syn(&cx, item, ServiceArgs::default());
        f(&service);
        cx.check().expect("no errors");
    }

    #[test]
    fn only_trailing_options_are_optional() {
        let item: ItemTrait = parse_quote! {
            trait T {
                fn f(&self, a: Option<i32>, b: i32, c: Option<i32>, d: std::option::Option<u8>);
                fn g(&self, a: Option<i32>);
                fn h(&self, a: i32);
            }
        };
        lower(&item, |s| {
            let optional = |m: usize| {
                s.methods[m]
                    .params
                    .iter()
                    .map(|p| p.optional)
                    .collect::<Vec<_>>()
            };
            assert_eq!(optional(0), [false, false, true, true]);
            assert_eq!(optional(1), [true]);
            assert_eq!(optional(2), [false]);
        });
    }

    #[test]
    fn results_are_recognised_by_their_last_segment() {
        let item: ItemTrait = parse_quote! {
            trait T {
                fn a(&self) -> Result<i32, E>;
                fn b(&self) -> std::result::Result<i32, E>;
                fn c(&self) -> io::Result<i32>;
                fn d(&self);
            }
        };
        lower(&item, |s| {
            let has_err: Vec<bool> = s.methods.iter().map(|m| m.output.err.is_some()).collect();
            assert_eq!(has_err, [true, true, false, false]);
            let unit = &s.methods[3].output.ok;
            assert_eq!(quote::quote!(#unit).to_string(), "()");
        });
    }

    #[test]
    fn help_is_the_trimmed_doc_comment() {
        let item: ItemTrait = parse_quote! {
            trait T {
                ///
                ///   Adds two numbers.
                ///
                /// Overflow wraps.
                ///
                #[doc = "Last line."]
                fn add(&self, a: i32, b: i32) -> i32;
                fn bare(&self);
            }
        };
        lower(&item, |s| {
            assert_eq!(
                s.methods[0].help,
                "Adds two numbers.\n\nOverflow wraps.\n\nLast line."
            );
            assert_eq!(s.methods[1].help, "");
        });
    }

    #[test]
    fn wire_names() {
        let item: ItemTrait = parse_quote! {
            trait T {
                fn r#type(&self);
                #[rpc(name = "a.b", aliases = ["x", "y.z"])]
                fn renamed(&self);
            }
        };
        let cx = Ctxt::new();
        let args = ServiceArgs {
            namespace: Some(parse_quote!("ns")),
            ..ServiceArgs::default()
        };
        let service = Service::from_syn(&cx, &item, args);
        assert_eq!(service.methods[0].name.value, "ns.type");
        assert_eq!(service.methods[1].name.value, "ns.a.b");
        let aliases: Vec<&str> = service.methods[1]
            .aliases
            .iter()
            .map(|a| a.value.as_str())
            .collect();
        assert_eq!(aliases, ["x", "y.z"]);
        cx.check().expect("no errors");
    }
}
