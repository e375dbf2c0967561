//! `{Trait}Server<S>`: serves any implementation of the trait, implementing the runtime's
//! `Service`: the method list for introspection and a `match` on wire names that decodes
//! the parameters and starts the call.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Method, Service};
use crate::expand::{Private, user_span};

pub(crate) fn render(service: &Service<'_>) -> TokenStream {
    let p = Private(&service.krate);
    let trait_ident = &service.original.ident;
    let vis = &service.original.vis;
    let ident = format_ident!("{}Server", trait_ident);
    let struct_doc = format!(
        " Serves an implementation of [`{trait_ident}`]: register \
         `{ident}::new(implementation)` with the server \
         (`rpc_runtime::server::Server::builder().service(..)`).\n\n \
         `async fn` methods run as tasks of the server; plain `fn` methods run on tokio's \
         blocking pool, with the request's `Context` available."
    );
    let infos = service.methods.iter().map(|m| method_info(service, m));
    let ident_str = ident.to_string();
    let carried = &service.cfgs;
    let deprecated = &service.deprecated;
    let arms = service.methods.iter().map(|m| arm(service, m));
    quote! {
        #[doc = #struct_doc]
        #(#carried)*
        #(#deprecated)*
        #vis struct #ident<S> {
            inner: S,
        }

        #(#carried)*
        #[allow(deprecated)]
        impl<__S: #trait_ident> #ident<__S> {
            /// Serves `inner`.
            #vis fn new(inner: __S) -> Self {
                #ident { inner }
            }

            /// The implementation being served.
            #vis fn inner(&self) -> &__S {
                &self.inner
            }

            /// Gives the implementation back.
            #vis fn into_inner(self) -> __S {
                self.inner
            }
        }

        #(#carried)*
        #[automatically_derived]
        #[allow(deprecated)]
        impl<__S: #p::Debug> #p::Debug for #ident<__S> {
            fn fmt(&self, f: &mut #p::Formatter<'_>) -> #p::FmtResult {
                f.debug_struct(#ident_str).field("inner", &self.inner).finish()
            }
        }

        #(#carried)*
        #[automatically_derived]
        #[allow(deprecated)]
        impl<__S> #p::Service for #ident<__S>
        where
            __S: #trait_ident + #p::Send + #p::Sync + 'static,
        {
            fn methods(&self) -> #p::Vec<#p::MethodInfo> {
                let mut __methods = #p::Vec::new();
                #(#infos)*
                __methods
            }

            fn call(
                self: #p::Arc<Self>,
                __method: &str,
                __params: #p::Params<'_>,
            ) -> #p::Option<#p::Result<#p::CallFuture, #p::Fault>> {
                let mut __params = __params;
                match __method {
                    #(#arms)*
                    _ => {
                        let _ = &mut __params;
                        #p::None
                    }
                }
            }
        }
    }
}

/// The XML-RPC type name of `ty`; needs `TypeNameFallback` and `TypeNameViaDeserialize`
/// in scope, and cannot fail to compile (a type without `Deserialize` is `undef`).
fn type_name(p: &Private<'_>, ty: &syn::Type) -> TokenStream {
    quote!((&&#p::TypeNameOf::<#ty>::new()).xmlrpc_type_name())
}

fn method_info(service: &Service<'_>, m: &Method<'_>) -> TokenStream {
    let p = Private(&service.krate);
    let name = &m.name.value;
    let aliases = m.aliases.iter().map(|a| &a.value);
    let help = &m.help;
    let cfgs = &m.cfgs;
    let mut names = vec![type_name(&p, &m.output.ok)];
    names.extend(m.params.iter().map(|param| type_name(&p, param.ty)));
    quote! {
        #(#cfgs)*
        __methods.push(#p::MethodInfo {
            name: #name,
            aliases: &[#(#aliases),*],
            help: #help,
            signature: || {
                #[allow(unused_imports)]
                use #p::{TypeNameFallback as _, TypeNameViaDeserialize as _};
                #p::signature([#(#names),*])
            },
        });
    }
}

fn arm(service: &Service<'_>, m: &Method<'_>) -> TokenStream {
    let p = Private(&service.krate);
    let trait_ident = &service.original.ident;
    let ident = m.ident;
    let cfgs = &m.cfgs;
    let names = std::iter::once(&m.name.value).chain(m.aliases.iter().map(|a| &a.value));
    let decode = m.params.iter().map(|param| {
        let name = &param.ident;
        let ty = param.ty;
        let pt = p.at(user_span(ty));
        if param.optional {
            quote_spanned!(user_span(ty)=> let #name = <#ty as #pt::ServerParam>::next_optional(&mut __params)?;)
        } else {
            quote_spanned!(user_span(ty)=> let #name = <#ty as #pt::ServerParam>::next(&mut __params)?;)
        }
    });
    let args = m.params.iter().map(|param| &param.ident);
    let invoke = quote!(<__S as #trait_ident>::#ident(&self.inner, #(#args),*));
    let ok = &m.output.ok;
    let po = p.at(user_span(ok));
    let start = match (&m.output.err, m.is_async) {
        (None, true) => quote_spanned! {user_span(ok)=>
            #po::respond::<_, #ok>(async move { #invoke.await })
        },
        (Some(err), true) => {
            let pe = p.at(user_span(err));
            quote_spanned! {user_span(err)=>
                #pe::respond_result::<_, #ok, #err>(async move { #invoke.await })
            }
        }
        (None, false) => quote_spanned! {user_span(ok)=>
            #po::respond_blocking::<_, #ok>(move || #invoke)
        },
        (Some(err), false) => {
            let pe = p.at(user_span(err));
            quote_spanned! {user_span(err)=>
                #pe::respond_blocking_result::<_, #ok, #err>(move || #invoke)
            }
        }
    };
    quote! {
        #(#cfgs)*
        #(#names)|* => #p::Some((move || -> #p::Result<#p::CallFuture, #p::Fault> {
            #(#decode)*
            #p::finish(__params)?;
            #p::Ok(#start)
        })()),
    }
}
