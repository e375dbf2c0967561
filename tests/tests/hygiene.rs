//! The generated code in a hostile crate: no prelude, every prelude name it could use
//! shadowed by a user item, missing docs denied, the runtime reached under another name.
#![no_implicit_prelude]
#![deny(
    missing_docs,
    missing_debug_implementations,
    unreachable_pub,
    unused_results,
    unused_qualifications,
    unused_imports,
    unused_mut,
    dead_code
)]

extern crate rpc_runtime as other_name;
extern crate serde;
extern crate std;

/// Shadows `std::result::Result`.
#[derive(Debug)]
pub struct Result;
/// Shadows `Result::Ok`.
#[derive(Debug)]
pub struct Ok;
/// Shadows `Result::Err`.
#[derive(Debug)]
pub struct Err;
/// Shadows `std::option::Option`.
#[derive(Debug)]
pub struct Option;
/// Shadows `Option::Some`.
#[derive(Debug)]
pub struct Some;
/// Shadows `Option::None`.
#[derive(Debug)]
pub struct None;
/// Shadows `std::vec::Vec`.
#[derive(Debug)]
pub struct Vec;
/// Shadows `std::string::String`.
#[derive(Debug)]
pub struct String;
/// Shadows `std::boxed::Box`.
#[derive(Debug)]
pub struct Box;
/// Shadows `core::clone::Clone`.
pub trait Clone {}
/// Shadows `core::marker::Send`.
pub trait Send {}
/// Shadows `core::marker::Sync`.
pub trait Sync {}
/// Shadows `core::future::Future`.
pub trait Future {}
/// Shadows `core::marker::Sized`.
pub trait Sized {}
/// Shadows `std::sync::Arc`.
#[derive(Debug)]
pub struct Arc;
/// A name generated code must not take for the runtime.
pub mod rpc_runtime {}

/// A user error.
#[derive(Debug)]
pub struct Oops;

impl other_name::IntoFault for Oops {
    fn into_fault(self) -> other_name::Fault {
        other_name::Fault::new(7, "oops")
    }
}

impl other_name::FromFault for Oops {
    fn from_fault(fault: other_name::Fault) -> ::std::result::Result<Self, other_name::Fault> {
        if fault.code == 7 {
            ::std::result::Result::Ok(Oops)
        } else {
            ::std::result::Result::Err(fault)
        }
    }
}

/// A service in the hostile crate.
#[other_name::service(crate = "crate::other_name", namespace = "h")]
pub trait Hostile {
    /// Every shape of method.
    async fn a(
        &self,
        x: ::std::string::String,
        y: ::std::option::Option<i64>,
    ) -> ::std::vec::Vec<u8>;
    /// A typed error.
    async fn b(&self) -> ::std::result::Result<bool, Oops>;
    /// Blocking.
    fn c(&self, z: ::std::option::Option<::std::string::String>);
    /// Blocking with a typed error.
    #[rpc(name = "d.e", aliases = ["de"])]
    fn d(&self, n: u32) -> ::std::result::Result<u32, Oops>;
    /// No parameters at all.
    async fn e(&self);
}

/// Nested in a module, with private items.
mod inner {
    /// A private service.
    #[crate::other_name::service(crate = "crate::other_name", client)]
    pub(crate) trait Private {
        /// Ping.
        async fn ping(&self) -> bool;
    }

    /// Uses the client so it is not dead code.
    pub(crate) fn use_it(c: &PrivateClient) {
        ::core::mem::drop(c.ping());
    }
}

#[derive(Debug)]
struct Impl;

impl Hostile for Impl {
    async fn a(
        &self,
        _x: ::std::string::String,
        _y: ::std::option::Option<i64>,
    ) -> ::std::vec::Vec<u8> {
        ::std::vec::Vec::new()
    }
    async fn b(&self) -> ::std::result::Result<bool, Oops> {
        ::std::result::Result::Err(Oops)
    }
    fn c(&self, _z: ::std::option::Option<::std::string::String>) {}
    fn d(&self, n: u32) -> ::std::result::Result<u32, Oops> {
        ::std::result::Result::Ok(n)
    }
    async fn e(&self) {}
}

#[test]
fn generated_items_are_usable() {
    use other_name::Service as _;
    let server = ::std::sync::Arc::new(HostileServer::new(Impl));
    let names: ::std::vec::Vec<&str> = ::std::iter::Iterator::collect(::std::iter::Iterator::map(
        ::std::iter::IntoIterator::into_iter(server.methods()),
        |m| m.name,
    ));
    ::std::assert_eq!(names, ["h.a", "h.b", "h.c", "h.d.e", "h.e"]);
    let _: fn(&HostileClient) -> &other_name::Client = HostileClient::client;
    let _: fn(&HostileBlockingClient) -> &other_name::BlockingClient =
        HostileBlockingClient::client;
    let _: fn(&inner::PrivateClient) = inner::use_it;
}

#[test]
fn generated_items_are_debug() {
    let server = HostileServer::new(Impl);
    let _: fn(&HostileServer<Impl>) -> &Impl = HostileServer::inner;
    ::std::assert_eq!(
        ::std::format!("{server:?}"),
        "HostileServer { inner: Impl }"
    );
    let client = HostileClient::new("http://127.0.0.1:1/").unwrap();
    ::std::assert_eq!(::std::format!("{client:?}"), "HostileClient { .. }");
    let blocking = HostileBlockingClient::new("http://127.0.0.1:1/").unwrap();
    ::std::assert_eq!(
        ::std::format!("{blocking:?}"),
        "HostileBlockingClient { .. }"
    );
}
