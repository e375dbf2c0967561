//! `{Trait}Client` (async, over `Client`) and `{Trait}BlockingClient` (over `BlockingClient`):
//! one method per trait method, encoding the parameters, making the call, decoding the
//! result or recovering the typed fault.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use crate::ast::{Method, Service};
use crate::expand::{Private, user_span};

/// The async client when `blocking` is false, the blocking one otherwise.
pub(crate) fn render(service: &Service<'_>, blocking: bool) -> TokenStream {
    let p = Private(&service.krate);
    let trait_ident = &service.original.ident;
    let vis = &service.original.vis;
    let (ident, transport, kind) = if blocking {
        (
            format_ident!("{}BlockingClient", trait_ident),
            quote!(#p::BlockingClient),
            "blocking client",
        )
    } else {
        (
            format_ident!("{}Client", trait_ident),
            quote!(#p::Client),
            "client",
        )
    };
    let transport_doc = if blocking {
        "`rpc_runtime::BlockingClient`"
    } else {
        "`rpc_runtime::Client`"
    };
    let struct_doc = format!(
        " The {kind} of the [`{trait_ident}`] service: one method per method of the trait, \
         taking the same parameters and returning `Result<T, rpc_runtime::Error>` \
         (`Result<T, rpc_runtime::CallError<E>>` for a method returning `Result<T, E>`).\n\n \
         It wraps a {transport_doc}; clones share its connections."
    );
    let new_doc = format!(
        " A {kind} for the service at `url` (`http://host:port/path`), with default settings."
    );
    let methods = service.methods.iter().map(|m| method(service, m, blocking));
    let ident_str = ident.to_string();
    let carried = &service.cfgs;
    let deprecated = &service.deprecated;
    quote! {
        #[doc = #struct_doc]
        #(#carried)*
        #(#deprecated)*
        #vis struct #ident {
            client: #transport,
        }

        #(#carried)*
        #[automatically_derived]
        #[allow(deprecated)]
        impl #p::Clone for #ident {
            fn clone(&self) -> Self {
                #ident {
                    client: #p::Clone::clone(&self.client),
                }
            }
        }

        #(#carried)*
        #[automatically_derived]
        #[allow(deprecated)]
        impl #p::Debug for #ident {
            fn fmt(&self, f: &mut #p::Formatter<'_>) -> #p::FmtResult {
                f.debug_struct(#ident_str).finish_non_exhaustive()
            }
        }

        #(#carried)*
        #[allow(deprecated)]
        impl #ident {
            #[doc = #new_doc]
            ///
            /// # Errors
            ///
            /// When `url` is not an `http` URL the client can use.
            #vis fn new(url: &str) -> #p::Result<Self, #p::Error> {
                #p::Ok(#ident {
                    client: #transport::new(url)?,
                })
            }

            /// A client making its calls through `client`, with its settings.
            #vis fn from_client(client: #transport) -> Self {
                #ident { client }
            }

            /// The underlying client.
            #vis fn client(&self) -> &#transport {
                &self.client
            }

            #(#methods)*
        }
    }
}

fn method(service: &Service<'_>, m: &Method<'_>, blocking: bool) -> TokenStream {
    let p = Private(&service.krate);
    let vis = &service.original.vis;
    let ident = m.ident;
    let wire = &m.name.value;
    let docs = &m.docs;
    let cfgs = &m.cfgs;
    let deprecated = &m.deprecated;
    let fallback_doc = if docs.is_empty() {
        let doc = format!(" Calls `{wire}`.");
        quote!(#[doc = #doc])
    } else {
        TokenStream::new()
    };
    let errors_doc = if m.output.err.is_some() {
        " `CallError::Fault` when the server answers with a fault the error type recognises, \
         `CallError::Rpc` when the call fails otherwise."
    } else {
        " When the call fails: transport, HTTP, encoding or decoding, or a fault answered by the server."
    };

    let params = m.params.iter().map(|param| {
        let name = &param.ident;
        let ty = param.ty;
        quote!(#name: #ty)
    });

    // Required parameters are always written; trailing `Option`s only up to the last
    // one that is `Some`, so a `None` at the end is left out of the request.
    let required = m.params.iter().filter(|param| !param.optional).count();
    let mut writes = Vec::new();
    for param in &m.params[..required] {
        let name = &param.ident;
        let ps = p.at(user_span(param.ty));
        let write = quote_spanned!(user_span(param.ty)=> #ps::ClientParam::write(&#name, &mut __call, __config)?;);
        writes.push(write);
    }
    let optional = &m.params[required..];
    if !optional.is_empty() {
        // The number of parameters to send: up to the last optional one that is present.
        let branches = optional.iter().enumerate().rev().map(|(offset, param)| {
            let name = &param.ident;
            let n = required + offset + 1;
            quote!(if #p::is_present(&#name) { #n } else)
        });
        writes.push(quote!(let __count: usize = #(#branches)* { #required };));
        for (offset, param) in optional.iter().enumerate() {
            let name = &param.ident;
            let index = required + offset;
            let ps = p.at(user_span(param.ty));
            let write = quote_spanned!(user_span(param.ty)=> #ps::ClientParam::write(&#name, &mut __call, __config)?;);
            writes.push(quote!(if __count > #index { #write }));
        }
    }

    let ok = &m.output.ok;
    let po = p.at(user_span(ok));
    let decoder = quote_spanned!(user_span(ok)=> <#ok as #po::ClientReturn>::decoder());
    let (ret, call) = match (&m.output.err, blocking) {
        (None, false) => (
            quote!(#p::Result<#ok, #p::Error>),
            quote!(#p::call(&self.client, __call, #decoder).await),
        ),
        (None, true) => (
            quote!(#p::Result<#ok, #p::Error>),
            quote!(#p::call_blocking(&self.client, __call, #decoder)),
        ),
        (Some(err), false) => {
            let pe = p.at(user_span(err));
            let recover = quote_spanned!(user_span(err)=> <#err as #pe::ClientError>::recoverer());
            (
                quote!(#p::Result<#ok, #p::CallError<#err>>),
                quote!(#p::call_typed(&self.client, __call, #decoder, #recover).await),
            )
        }
        (Some(err), true) => {
            let pe = p.at(user_span(err));
            let recover = quote_spanned!(user_span(err)=> <#err as #pe::ClientError>::recoverer());
            (
                quote!(#p::Result<#ok, #p::CallError<#err>>),
                quote!(#p::call_blocking_typed(&self.client, __call, #decoder, #recover)),
            )
        }
    };
    let asyncness = if blocking { quote!() } else { quote!(async) };
    quote! {
        #(#docs)*
        #fallback_doc
        ///
        /// # Errors
        ///
        #[doc = #errors_doc]
        #(#cfgs)*
        #(#deprecated)*
        #vis #asyncness fn #ident(&self, #(#params),*) -> #ret {
            let __config = self.client.codec_config();
            let mut __call = #p::start_call(#wire)?;
            #(#writes)*
            #call
        }
    }
}
