//! Method lookup and the built-in `system.*` methods, `system.multicall` included.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::SocketAddr;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;
use tracing::Instrument as _;

use super::BuildError;
use super::context::Context;
use super::unwind::{CatchUnwind, panic_message};
use crate::config::Config;
use crate::de::{Params, parse_call};
use crate::fault::{self, Fault};
use crate::ser::{RESPONSE_FRAME, encode_fault, encode_response_fragment_owned, write_value};
use crate::service::{CallFuture, MethodInfo, Service};
use crate::value::Value;

const LIST_METHODS: &str = "system.listMethods";
const METHOD_HELP: &str = "system.methodHelp";
const METHOD_SIGNATURE: &str = "system.methodSignature";
const GET_CAPABILITIES: &str = "system.getCapabilities";
const MULTICALL: &str = "system.multicall";

/// A service and the namespace the server put in front of its names.
struct Entry {
    service: Arc<dyn Service>,
    /// `"ns."`, or empty.
    prefix: String,
}

/// What the server knows about one wire name.
struct Known {
    entry: usize,
    help: &'static str,
    signature: fn() -> Vec<&'static str>,
}

/// The services of a server, indexed by wire name.
pub(crate) struct Registry {
    entries: Vec<Entry>,
    /// (The names are shared with the context of each call to them.)
    names: HashMap<Arc<str>, Known, BuildHasherDefault<NameHasher>>,
    /// Every callable name, sorted, `system.*` included: the answer of `system.listMethods`.
    listed: Vec<String>,
    introspection: bool,
    multicall: bool,
}

/// The dispatch settings a call needs.
pub(crate) struct DispatchSettings {
    pub(crate) codec: Config,
    pub(crate) handler_timeout: Duration,
    pub(crate) max_multicall: usize,
}

impl Registry {
    pub(crate) fn new(
        services: Vec<(Option<String>, Arc<dyn Service>)>,
        introspection: bool,
        multicall: bool,
    ) -> Result<Registry, BuildError> {
        let mut entries = Vec::with_capacity(services.len());
        let mut names: HashMap<Arc<str>, Known, BuildHasherDefault<NameHasher>> =
            HashMap::default();
        for (index, (prefix, service)) in services.into_iter().enumerate() {
            let prefix = match prefix {
                None => String::new(),
                Some(p) => {
                    let p = p.trim_end_matches('.');
                    if p.is_empty() {
                        return Err(BuildError::InvalidPrefix(p.to_owned()));
                    }
                    format!("{p}.")
                }
            };
            for info in service.methods() {
                let MethodInfo {
                    name,
                    aliases,
                    help,
                    signature,
                } = info;
                for local in std::iter::once(name).chain(aliases.iter().copied()) {
                    let wire = format!("{prefix}{local}");
                    if wire.starts_with("system.") {
                        return Err(BuildError::ReservedName(wire));
                    }
                    if names.contains_key(wire.as_str()) {
                        return Err(BuildError::DuplicateName(wire));
                    }
                    names.insert(
                        wire.into(),
                        Known {
                            entry: index,
                            help,
                            signature,
                        },
                    );
                }
            }
            entries.push(Entry { service, prefix });
        }
        let mut listed: Vec<String> = names.keys().map(|k| k.to_string()).collect();
        if introspection {
            listed.extend(
                [
                    LIST_METHODS,
                    METHOD_HELP,
                    METHOD_SIGNATURE,
                    GET_CAPABILITIES,
                ]
                .map(String::from),
            );
        }
        if multicall {
            listed.push(MULTICALL.to_owned());
        }
        listed.sort_unstable();
        Ok(Registry {
            entries,
            names,
            listed,
            introspection,
            multicall,
        })
    }

    fn system_signature(&self, name: &str) -> Option<&'static [&'static str]> {
        let sig: &'static [&'static str] = match name {
            LIST_METHODS if self.introspection => &["array"],
            METHOD_HELP if self.introspection => &["string", "string"],
            METHOD_SIGNATURE if self.introspection => &["array", "string"],
            GET_CAPABILITIES if self.introspection => &["struct"],
            MULTICALL if self.multicall => &["array", "array"],
            _ => return None,
        };
        Some(sig)
    }

    fn system_help(name: &str) -> &'static str {
        match name {
            LIST_METHODS => "The names of the methods this server answers, sorted.",
            METHOD_HELP => "The documentation of a method. An unknown name is fault -32601.",
            METHOD_SIGNATURE => {
                "The signatures of a method: an array of arrays of type names, return type \
                 first, or the string \"undef\" when the method has none. An unknown name is \
                 fault -32601."
            }
            GET_CAPABILITIES => "The specifications this server implements.",
            MULTICALL => {
                "Runs several calls in one request: one array of {methodName, params} \
                 structs in, one array out whose items are a one-element array holding the \
                 result or a {faultCode, faultString} struct."
            }
            _ => "",
        }
    }
}

/// Where the parameters of a call come from, so that a name no service declared can be
/// offered to each service in turn (a service consumes the parameters it is given).
pub(crate) enum Source<'b> {
    /// A request document: the first parameters are already parsed; later attempts parse
    /// the document again.
    Xml {
        params: Option<Params<'b>>,
        body: &'b [u8],
    },
    /// Values, as inside `system.multicall`.
    Values(Option<Vec<Value>>),
}

impl<'b> Source<'b> {
    fn take(&mut self, config: &Config, last: bool) -> crate::Result<Params<'b>> {
        match self {
            Source::Xml { params, body } => match params.take() {
                Some(p) => Ok(p),
                None => parse_call(body, config).map(|c| c.params),
            },
            Source::Values(values) => {
                let v = if last {
                    values.take().unwrap_or_default()
                } else {
                    values.clone().unwrap_or_default()
                };
                Ok(Params::from_values(v))
            }
        }
    }
}

/// FNV-1a, for the table of method names. The table holds only the names the services
/// declared; requests look names up and never insert, so a name chosen by a client cannot
/// crowd a bucket, and a keyless hash (a few instructions per byte, against SipHash's
/// setup per lookup) is safe here.
struct NameHasher(u64);

impl Default for NameHasher {
    fn default() -> Self {
        NameHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A call started: either already answered (built-in methods, errors) or running.
enum Started {
    Done(Result<Vec<u8>, Fault>),
    Running(CallFuture),
}

/// One call's environment.
pub(crate) struct CallEnv {
    pub(crate) peer: Option<SocketAddr>,
    pub(crate) headers: http::HeaderMap,
    /// The end of the handler time for the whole request; `None`: the handler timeout
    /// from the moment a call turns out not to finish at once.
    pub(crate) deadline: Option<Instant>,
}

impl Registry {
    /// Answers a request document with a response document (a result or a fault).
    pub(crate) async fn answer(
        &self,
        body: Bytes,
        settings: &DispatchSettings,
        env: CallEnv,
    ) -> Vec<u8> {
        // Python's client writes ISO-8859-1 when asked to (`encoding='iso-8859-1'`). The
        // reader refuses such a document at its declaration; only then is the body
        // converted and read again, so no other request is searched for the declaration.
        let mut converted = Bytes::new();
        let (body_read, call) = match parse_call(&body, &settings.codec) {
            Ok(call) => (&body, call),
            Err(e) => {
                let again = match crate::de::latin1_to_utf8(&body) {
                    Ok(Cow::Owned(utf8)) => {
                        converted = Bytes::from(utf8);
                        parse_call(&converted, &settings.codec)
                    }
                    Ok(Cow::Borrowed(_)) => Err(e),
                    Err(other) => Err(other),
                };
                match again {
                    Ok(call) => (&converted, call),
                    Err(e) => {
                        tracing::debug!(error = %e, peer = ?env.peer, "unreadable call");
                        return encode_fault(&e.to_fault());
                    }
                }
            }
        };
        let name = call.name;
        let result = if name == MULTICALL && self.multicall {
            let span = call_span(MULTICALL);
            let started = timer();
            // Boxed: the multicall state stays out of every plain call's future.
            let r = Box::pin(
                self.multicall(call.params, settings, &env)
                    .instrument(span.clone()),
            )
            .await;
            log_outcome(&span, &r, started);
            r
        } else {
            let span = call_span(&name);
            let started = timer();
            // The context takes the table's name for a declared method (shared, no copy),
            // a copy of the name read from the request for any other (the body is dropped
            // before the handler runs).
            let (known, method) = self.lookup(&name);
            let ctx = Context::for_call(
                env.peer,
                env.headers,
                method,
                settings.codec,
                body_read.len() + RESPONSE_FRAME,
            );
            let source = Source::Xml {
                params: Some(call.params),
                body: body_read,
            };
            // The parameters are decoded here; the handler's future owns what it needs.
            let begun = self.start_in(&span, ctx.method(), known, source, settings, &ctx);
            // Free the request before the handler runs: a large call then never holds
            // both its XML and its reply at once.
            drop(body);
            drop(converted);
            let r = match begun {
                Started::Done(r) => r,
                Started::Running(fut) => {
                    let running = run(fut, ctx, env.deadline, settings);
                    // No subscriber wants the span: no entering and leaving it per poll,
                    // which still costs work when `tracing` logs through `log` (600
                    // instructions per small call in a build where axum turns that on,
                    // counted with callgrind). Written out here and in `call_one`: a
                    // helper (an `async fn`, a macro, `Instrumented` with `Span::none()`)
                    // cost 200 to 450 instructions more per call than this.
                    if span.is_disabled() {
                        running.await
                    } else {
                        running.instrument(span.clone()).await
                    }
                }
            };
            log_outcome(&span, &r, started);
            r
        };
        match result {
            Ok(value_xml) => encode_response_fragment_owned(value_xml),
            Err(fault) => encode_fault(&fault),
        }
    }

    /// Runs one call (never `system.multicall`) to the method `known` (looked up already,
    /// for its context's name): parameter decoding, the handler inside its [`Context`],
    /// panics and the deadline.
    async fn call_one(
        &self,
        known: Option<&Known>,
        source: Source<'_>,
        settings: &DispatchSettings,
        ctx: Context,
        deadline: Option<Instant>,
    ) -> Result<Vec<u8>, Fault> {
        let method = ctx.method();
        let span = call_span(method);
        let started = timer();
        let result = match self.start_in(&span, method, known, source, settings, &ctx) {
            Started::Done(r) => r,
            Started::Running(fut) => {
                let running = run(fut, ctx, deadline, settings);
                // As in `answer`: a span no subscriber wants is not entered per poll.
                if span.is_disabled() {
                    running.await
                } else {
                    running.instrument(span.clone()).await
                }
            }
        };
        log_outcome(&span, &result, started);
        result
    }

    /// The entry of a name a service declared, and the name for the call's context: the
    /// table's own, shared, or a copy of `name` for any other.
    fn lookup(&self, name: &str) -> (Option<&Known>, Arc<str>) {
        match self.names.get_key_value(name) {
            Some((wire, known)) => (Some(known), Arc::clone(wire)),
            None => (None, Arc::from(name)),
        }
    }

    /// [`start`](Self::start) inside `span`, which is not entered if no subscriber wants
    /// it (entering and leaving a disabled span still costs work when `tracing` logs
    /// through `log`).
    fn start_in(
        &self,
        span: &tracing::Span,
        name: &str,
        known: Option<&Known>,
        source: Source<'_>,
        settings: &DispatchSettings,
        ctx: &Context,
    ) -> Started {
        if span.is_disabled() {
            self.start(name, known, source, settings, ctx)
        } else {
            span.in_scope(|| self.start(name, known, source, settings, ctx))
        }
    }

    /// Starts a call to `name`, whose entry (if a service declared it) is `known`.
    fn start(
        &self,
        name: &str,
        known: Option<&Known>,
        mut source: Source<'_>,
        settings: &DispatchSettings,
        ctx: &Context,
    ) -> Started {
        let config = &settings.codec;
        if name.starts_with("system.") {
            return Started::Done(self.system(name, &mut source, config));
        }
        if let Some(known) = known {
            let entry = &self.entries[known.entry];
            let local = &name[entry.prefix.len()..];
            let params = match source.take(config, true) {
                Ok(p) => p,
                Err(e) => return Started::Done(Err(e.to_fault())),
            };
            return match start_service(entry, local, params, ctx) {
                Some(started) => started,
                None => Started::Done(Err(Fault::method_not_found(name))),
            };
        }
        // A name no service declared: offer it to each service whose namespace matches.
        let candidates: Vec<&Entry> = self
            .entries
            .iter()
            .filter(|e| name.len() > e.prefix.len() && name.starts_with(&e.prefix))
            .collect();
        let count = candidates.len();
        for (i, entry) in candidates.into_iter().enumerate() {
            let params = match source.take(config, i + 1 == count) {
                Ok(p) => p,
                Err(e) => return Started::Done(Err(e.to_fault())),
            };
            if let Some(started) = start_service(entry, &name[entry.prefix.len()..], params, ctx) {
                return started;
            }
        }
        Started::Done(Err(Fault::method_not_found(name)))
    }

    /// The built-in methods other than `system.multicall`.
    fn system(
        &self,
        name: &str,
        source: &mut Source<'_>,
        config: &Config,
    ) -> Result<Vec<u8>, Fault> {
        if !self.introspection || name == MULTICALL {
            return Err(Fault::method_not_found(name));
        }
        let mut params = source.take(config, true).map_err(|e| e.to_fault())?;
        let mut out = Vec::new();
        let written = match name {
            LIST_METHODS => {
                params.finish().map_err(|e| e.to_fault())?;
                write_value(&mut out, &self.listed, config)
            }
            METHOD_HELP => {
                let method: String = params.next().map_err(|e| e.to_fault())?;
                params.finish().map_err(|e| e.to_fault())?;
                let help = if let Some(k) = self.names.get(method.as_str()) {
                    k.help
                } else if self.system_signature(&method).is_some() {
                    Registry::system_help(&method)
                } else {
                    return Err(Fault::method_not_found(&method));
                };
                write_value(&mut out, help, config)
            }
            METHOD_SIGNATURE => {
                let method: String = params.next().map_err(|e| e.to_fault())?;
                params.finish().map_err(|e| e.to_fault())?;
                let signature: Vec<&'static str> = if let Some(k) = self.names.get(method.as_str())
                {
                    (k.signature)()
                } else if let Some(sig) = self.system_signature(&method) {
                    sig.to_vec()
                } else {
                    return Err(Fault::method_not_found(&method));
                };
                if signature.is_empty() {
                    write_value(&mut out, "undef", config)
                } else {
                    write_value(&mut out, &[signature], config)
                }
            }
            GET_CAPABILITIES => {
                params.finish().map_err(|e| e.to_fault())?;
                write_value(&mut out, &self.capabilities(), config)
            }
            _ => return Err(Fault::method_not_found(name)),
        };
        written.map_err(|e| {
            tracing::error!(error = %e, method = name, "cannot encode a built-in result");
            Fault::internal()
        })?;
        Ok(out)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            xmlrpc: Spec {
                spec_url: "http://www.xmlrpc.com/spec",
                spec_version: 1,
            },
            faults_interop: Spec {
                spec_url: "http://xmlrpc-epi.sourceforge.net/specs/rfc.fault_codes.php",
                spec_version: 20010516,
            },
            multicall: self.multicall.then_some(Spec {
                spec_url: "http://www.xmlrpc.com/discuss/msgReader$1208",
                spec_version: 1,
            }),
            introspect: Spec {
                spec_url: "http://xmlrpc-c.sourceforge.net/xmlrpc-c/introspection.html",
                spec_version: 1,
            },
        }
    }

    /// `system.multicall`: the calls run one after the other, in order, under the
    /// deadline of the whole request; a fault in one does not stop the others.
    async fn multicall(
        &self,
        params: Params<'_>,
        settings: &DispatchSettings,
        env: &CallEnv,
    ) -> Result<Vec<u8>, Fault> {
        let mut values = params.into_values().map_err(|e| e.to_fault())?;
        let calls = match (values.pop(), values.is_empty()) {
            (Some(Value::Array(calls)), true) => calls,
            _ => {
                return Err(Fault::invalid_params(
                    "system.multicall takes one parameter: an array of {methodName, params} structs",
                ));
            }
        };
        if calls.len() > settings.max_multicall {
            return Err(Fault::new(
                fault::LIMIT_EXCEEDED,
                format!(
                    "system.multicall with {} calls; at most {} are allowed",
                    calls.len(),
                    settings.max_multicall
                ),
            ));
        }
        let deadline = env
            .deadline
            .unwrap_or_else(|| Instant::now() + settings.handler_timeout);
        let mut out = Vec::with_capacity(64 + calls.len() * 64);
        out.extend_from_slice(b"<value><array><data>");
        for call in calls {
            let result = match multicall_entry(call) {
                Err(f) => Err(f),
                Ok((name, _)) if name == MULTICALL => Err(Fault::new(
                    fault::INVALID_REQUEST,
                    "system.multicall cannot be called inside system.multicall",
                )),
                Ok((name, params)) => {
                    let source = Source::Values(Some(params));
                    let (known, method) = self.lookup(&name);
                    let ctx =
                        Context::for_call(env.peer, env.headers.clone(), method, settings.codec, 0);
                    Box::pin(self.call_one(known, source, settings, ctx, Some(deadline))).await
                }
            };
            match result {
                Ok(value_xml) => {
                    out.extend_from_slice(b"<value><array><data>");
                    out.extend_from_slice(&value_xml);
                    out.extend_from_slice(b"</data></array></value>");
                }
                Err(f) => {
                    write_value(&mut out, &f, &settings.codec).map_err(|e| {
                        tracing::error!(error = %e, "cannot encode a fault");
                        Fault::internal()
                    })?;
                }
            }
        }
        out.extend_from_slice(b"</data></array></value>");
        Ok(out)
    }
}

/// The answer of `system.getCapabilities`.
#[derive(serde::Serialize)]
struct Capabilities {
    xmlrpc: Spec,
    faults_interop: Spec,
    #[serde(rename = "system.multicall", skip_serializing_if = "Option::is_none")]
    multicall: Option<Spec>,
    introspect: Spec,
}

/// One capability: where its specification is, and which version.
#[derive(serde::Serialize)]
struct Spec {
    #[serde(rename = "specUrl")]
    spec_url: &'static str,
    #[serde(rename = "specVersion")]
    spec_version: i32,
}

/// Checks one `system.multicall` item: a struct with a string `methodName` and an array
/// `params` (other members are ignored).
fn multicall_entry(call: Value) -> Result<(String, Vec<Value>), Fault> {
    let invalid = |msg: &str| Fault::new(fault::INVALID_REQUEST, msg.to_owned());
    let Value::Struct(mut s) = call else {
        return Err(invalid(
            "a system.multicall item must be a {methodName, params} struct",
        ));
    };
    let name = match s.remove("methodName") {
        Some(Value::String(name)) => name,
        Some(_) => return Err(invalid("methodName must be a string")),
        None => return Err(invalid("a system.multicall item lacks methodName")),
    };
    let params = match s.remove("params") {
        Some(Value::Array(params)) => params,
        Some(_) => return Err(invalid("params must be an array")),
        None => return Err(invalid("a system.multicall item lacks params")),
    };
    Ok((name, params))
}

/// Starts a call on a service, catching a panic in its synchronous part (parameter
/// decoding); `None` when the service does not answer the name.
fn start_service(entry: &Entry, local: &str, params: Params<'_>, ctx: &Context) -> Option<Started> {
    let service = Arc::clone(&entry.service);
    let outcome = ctx
        .clone()
        .sync_scope(|| catch_unwind(AssertUnwindSafe(|| service.call(local, params))));
    match outcome {
        Ok(None) => None,
        Ok(Some(Ok(fut))) => Some(Started::Running(fut)),
        Ok(Some(Err(fault))) => Some(Started::Done(Err(fault))),
        Err(payload) => {
            tracing::error!(
                panic = panic_message(&*payload),
                method = ctx.method(),
                "a method panicked while starting"
            );
            Some(Started::Done(Err(Fault::internal())))
        }
    }
}

/// Runs a handler future inside its context, with the deadline, catching panics.
async fn run(
    fut: CallFuture,
    ctx: Context,
    deadline: Option<Instant>,
    settings: &DispatchSettings,
) -> Result<Vec<u8>, Fault> {
    // For the log lines below (a second handle on the context; no copy of the name).
    let log_ctx = ctx.clone();
    let method = log_ctx.method();
    let outcome = super::within(CatchUnwind::new(ctx.scope(fut)), || {
        deadline.unwrap_or_else(|| Instant::now() + settings.handler_timeout)
    })
    .await;
    match outcome {
        Ok(Ok(result)) => result,
        Err(_elapsed) => {
            tracing::warn!(method, "handler timed out");
            Err(Fault::new(
                fault::TIMEOUT,
                format!(
                    "the method did not finish within {} ms",
                    settings.handler_timeout.as_millis()
                ),
            ))
        }
        Ok(Err(payload)) => {
            tracing::error!(
                panic = panic_message(&*payload),
                method,
                "a method panicked"
            );
            Err(Fault::internal())
        }
    }
}

/// The start time of a call, taken only when its outcome will be logged.
fn timer() -> Option<std::time::Instant> {
    tracing::enabled!(tracing::Level::DEBUG).then(std::time::Instant::now)
}

/// The span of one call: the method name, then the outcome, the fault code and the duration
/// once it ends.
fn call_span(method: &str) -> tracing::Span {
    tracing::debug_span!(
        "xmlrpc.call",
        method,
        outcome = tracing::field::Empty,
        fault_code = tracing::field::Empty,
        duration_us = tracing::field::Empty,
    )
}

/// Records the end of a call on its span, and logs it at debug level.
fn log_outcome(
    span: &tracing::Span,
    result: &Result<Vec<u8>, Fault>,
    started: Option<std::time::Instant>,
) {
    let Some(started) = started else {
        return;
    };
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    span.record("duration_us", micros);
    let _entered = span.enter();
    match result {
        Ok(_) => {
            span.record("outcome", "ok");
            tracing::debug!(duration_us = micros, outcome = "ok", "call finished");
        }
        Err(f) => {
            span.record("outcome", "fault");
            span.record("fault_code", f.code);
            tracing::debug!(
                duration_us = micros,
                outcome = "fault",
                fault_code = f.code,
                "call finished"
            );
        }
    }
}
