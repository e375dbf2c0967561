//! Rules that span several items of the trait, one function per rule.

use std::collections::HashMap;

use crate::ast::Service;
use crate::ctxt::Ctxt;

/// Runs every rule.
pub(crate) fn check(cx: &Ctxt, service: &Service<'_>) {
    check_reserved(cx, service);
    check_duplicates(cx, service);
    check_generated_names(cx, service);
}

// `system.*` belongs to the server: listMethods, methodHelp, methodSignature, multicall
// and getCapabilities. A served method there would shadow them or be shadowed. A
// client-only trait may call them on a remote server.
fn check_reserved(cx: &Ctxt, service: &Service<'_>) {
    if !service.server {
        return;
    }
    if let (Some(ns), Some(lit)) = (&service.namespace, &service.namespace_lit)
        && (ns == "system" || ns.starts_with("system."))
    {
        cx.error_spanned_by(
            lit,
            "the namespace `system` is reserved for the server's built-in methods",
        );
        return;
    }
    for method in &service.methods {
        for name in std::iter::once(&method.name).chain(&method.aliases) {
            if name.value.starts_with("system.") {
                cx.error_at(
                    name.span,
                    format!(
                        "`{}` is in the `system.` namespace, reserved for the server's built-in methods",
                        name.value
                    ),
                );
            }
        }
    }
}

// Two methods under one wire name: the server could only ever run one of them. Methods
// that both carry `#[cfg]` are left alone, as they may never be compiled together. A
// client-only trait may call one remote method in several ways (with fewer trailing
// parameters, say): nothing is served, so nothing clashes.
fn check_duplicates(cx: &Ctxt, service: &Service<'_>) {
    let mut seen: HashMap<&str, (usize, &syn::Ident)> = HashMap::new();
    for (index, method) in service.methods.iter().enumerate() {
        for name in std::iter::once(&method.name).chain(&method.aliases) {
            match seen.get(name.value.as_str()) {
                Some(&(first, _)) if first == index => cx.error_at(
                    name.span,
                    format!(
                        "the wire name `{}` is given twice for this method",
                        name.value
                    ),
                ),
                Some(_) if !service.server => {}
                Some(&(first, ident)) => {
                    let both_cfg =
                        !method.cfgs.is_empty() && !service.methods[first].cfgs.is_empty();
                    if !both_cfg {
                        cx.error_at(
                            name.span,
                            format!(
                                "the wire name `{}` is already used by method `{ident}`",
                                name.value
                            ),
                        );
                    }
                }
                None => {
                    seen.insert(&name.value, (index, method.ident));
                }
            }
        }
    }
}

// The clients have inherent functions of their own; a method of the same name would
// clash with them.
fn check_generated_names(cx: &Ctxt, service: &Service<'_>) {
    if !service.client {
        return;
    }
    for method in &service.methods {
        let name = method.ident.to_string();
        if matches!(name.as_str(), "new" | "from_client" | "client") {
            cx.error_spanned_by(
                method.ident,
                format!(
                    "a method named `{name}` clashes with the generated `{}Client::{name}`; \
                     rename the Rust method and keep the wire name with `#[rpc(name = \"{name}\")]`",
                    service.original.ident
                ),
            );
        }
    }
}
