//! Whole messages: `<methodCall>`, `<methodResponse>`, and documents of one `<value>`.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use super::deserializer::Deserializer;
use super::xml::{Mark, Tag, Tok};
use crate::config::Config;
use crate::error::{Error, ErrorKind, PathSegment, Result};
use crate::fault::Fault;
use crate::value::Value;

/// A parsed `<methodCall>`: its method name, and its parameters still to be decoded.
pub struct MethodCall<'a> {
    /// The `<methodName>`, entities decoded.
    pub name: Cow<'a, str>,
    /// The parameters, decoded one at a time into the types the method takes.
    pub params: Params<'a>,
}

impl std::fmt::Debug for MethodCall<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MethodCall")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Where the XML parameters are.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Inside `<params>`: more `<param>`s may follow.
    Open,
    /// The start tag of the next `<param>` was read (by [`Params::has_next`]).
    ParamStarted,
    /// `</params>` (or the place it would be) was passed; `</methodCall>` is next.
    Closed,
    /// The document was checked to its end.
    Done,
}

enum Source<'a> {
    Xml {
        de: Box<Deserializer<'a>>,
        state: State,
    },
    Values(std::vec::IntoIter<Value>),
}

/// The parameters of a call, decoded in order straight from the XML (or from [`Value`]s,
/// as inside `system.multicall`).
///
/// Parameters are read lazily: each [`next`](Params::next) decodes one `<param>` from the
/// message into the type asked for. Errors carry the parameter's index in their path
/// (`params[1].tags[2]`). After the last parameter the method calls
/// [`finish`](Params::finish), which fails if the caller sent more parameters than the
/// method takes or the rest of the document is not well-formed.
pub struct Params<'a> {
    source: Source<'a>,
    /// How many parameters were taken.
    index: usize,
}

impl std::fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Params")
            .field("taken", &self.index)
            .finish_non_exhaustive()
    }
}

impl<'a> Params<'a> {
    /// Parameters taken from values.
    pub fn from_values(values: Vec<Value>) -> Params<'static> {
        Params {
            source: Source::Values(values.into_iter()),
            index: 0,
        }
    }

    /// Whether another parameter follows; reads ahead as far as the next `<param>`.
    fn has_next(&mut self) -> Result<bool> {
        match &mut self.source {
            Source::Values(iter) => Ok(iter.len() > 0),
            Source::Xml { de, state } => {
                match state {
                    State::Open => {}
                    State::ParamStarted => return Ok(true),
                    State::Closed | State::Done => return Ok(false),
                }
                // The usual document: the next tag in its plainest form, read at once.
                if de.tok.plain_open(Tag::Param) {
                    *state = State::ParamStarted;
                    return Ok(true);
                }
                if de.tok.plain_close(Tag::Params) {
                    *state = State::Closed;
                    return Ok(false);
                }
                match de.tok.peek_mark()? {
                    Mark::Start(Tag::Param) => Ok(true),
                    Mark::End(Tag::Params) => {
                        de.tok.next_mark()?;
                        *state = State::Closed;
                        Ok(false)
                    }
                    other => Err(de.unexpected(other, "<param> or </params>")),
                }
            }
        }
    }

    /// Decodes the parameter `has_next` found.
    fn take<T: DeserializeOwned>(&mut self) -> Result<T> {
        let i = self.index;
        self.index += 1;
        let r = match &mut self.source {
            Source::Values(iter) => match iter.next() {
                Some(v) => super::from_value(v),
                None => Err(missing()),
            },
            Source::Xml { de, state } => {
                let started = *state == State::ParamStarted;
                *state = State::Open;
                read_param(de, started)
            }
        };
        r.map_err(|e| e.in_path(PathSegment::Param(i)))
    }

    /// Decodes the next parameter as `T`; a missing parameter is an error.
    #[allow(clippy::should_implement_trait)]
    pub fn next<T: DeserializeOwned>(&mut self) -> Result<T> {
        if self.has_next()? {
            self.take()
        } else {
            Err(missing().in_path(PathSegment::Param(self.index)))
        }
    }

    /// Decodes the next parameter as `T`, or gives `None` when the caller sent no more.
    pub fn next_opt<T: DeserializeOwned>(&mut self) -> Result<Option<T>> {
        if self.has_next()? {
            self.take().map(Some)
        } else {
            Ok(None)
        }
    }

    /// The number of parameters decoded so far.
    pub fn taken(&self) -> usize {
        self.index
    }

    /// Checks that no parameters are left and the document is complete.
    ///
    /// Extra parameters are an [`ErrorKind::Type`] error that says how many the caller
    /// sent; they are read (and checked) to count them.
    pub fn finish(mut self) -> Result<()> {
        let taken = self.index;
        let mut extra = 0usize;
        while self.has_next()? {
            self.take::<IgnoredAny>()?;
            extra += 1;
        }
        self.close()?;
        if extra > 0 {
            return Err(Error::new(
                ErrorKind::Type,
                format!(
                    "too many parameters: the method takes {taken}, the call has {}",
                    taken + extra
                ),
            ));
        }
        Ok(())
    }

    /// Reads the end of the document after the parameters.
    fn close(&mut self) -> Result<()> {
        if let Source::Xml { de, state } = &mut self.source
            && *state == State::Closed
        {
            if !de.tok.plain_close(Tag::MethodCall) {
                match de.tok.next_mark()? {
                    Mark::End(Tag::MethodCall) => {}
                    other => return Err(de.unexpected(other, "</methodCall>")),
                }
            }
            de.tok.expect_eof()?;
            *state = State::Done;
        }
        Ok(())
    }

    /// The remaining parameters as values, checking the document is complete.
    pub fn into_values(mut self) -> Result<Vec<Value>> {
        if let Source::Values(iter) = &mut self.source {
            return Ok(iter.collect());
        }
        let mut out = Vec::new();
        while self.has_next()? {
            out.push(self.take::<Value>()?);
        }
        self.close()?;
        Ok(out)
    }
}

#[cold]
fn missing() -> Error {
    Error::new(ErrorKind::Type, "missing parameter")
}

/// Reads `<param><value>…</value></param>`.
/// (`started`: its start tag was read already.)
fn read_param<'a, T: Deserialize<'a>>(de: &mut Deserializer<'a>, started: bool) -> Result<T> {
    if !started {
        match de.tok.next_mark()? {
            Mark::Start(Tag::Param) => {}
            other => return Err(de.unexpected(other, "<param>")),
        }
    }
    let v = T::deserialize(&mut *de)?;
    if de.tok.plain_close(Tag::Param) {
        return Ok(v);
    }
    match de.tok.next_mark()? {
        Mark::End(Tag::Param) => Ok(v),
        Mark::Start(Tag::Value) | Mark::Empty(Tag::Value) => Err(Error::new(
            ErrorKind::Invalid,
            "a <param> holds exactly one <value>",
        )
        .at_offset(de.tok.pos())),
        other => Err(de.unexpected(other, "</param>")),
    }
}

#[cold]
fn too_big(len: usize, config: &Config) -> Error {
    Error::new(
        ErrorKind::Limit,
        format!(
            "the message has {len} bytes, more than the limit of {}",
            config.max_size
        ),
    )
}

fn check_size(xml: &[u8], config: &Config) -> Result<()> {
    if xml.len() > config.max_size {
        Err(too_big(xml.len(), config))
    } else {
        Ok(())
    }
}

/// Reads `<methodName>…</methodName>` (or `<methodName/>`): its text.
fn method_name<'a>(de: &mut Deserializer<'a>) -> Result<Cow<'a, str>> {
    if de.tok.plain_leaf(Tag::MethodName) {
        return Ok(de.tok.take_text());
    }
    match de.tok.next_mark()? {
        Mark::Start(Tag::MethodName) => {}
        Mark::Empty(Tag::MethodName) => return Ok(Cow::Borrowed("")),
        other => return Err(de.unexpected(other, "<methodName>")),
    }
    match de.tok.next()? {
        Tok::Mark(Mark::End(_)) => return Ok(Cow::Borrowed("")),
        Tok::Mark(other) => return Err(de.unexpected(other, "the method name")),
        Tok::Text => {}
    }
    match de.tok.next()? {
        Tok::Mark(Mark::End(Tag::MethodName)) => Ok(de.tok.take_text()),
        Tok::Mark(other) => Err(de.unexpected(other, "</methodName>")),
        Tok::Text => Err(Error::new(ErrorKind::Invalid, "unexpected text").at_offset(de.tok.pos())),
    }
}

/// Parses a `<methodCall>` document up to its parameters.
///
/// The method name is required and must not be empty; its text is kept as sent (entities
/// decoded, whitespace not trimmed). `<params>` may be absent or empty for a call without
/// parameters. The parameters themselves are decoded later through
/// [`MethodCall::params`], straight from `xml`.
pub fn parse_call<'a>(xml: &'a [u8], config: &Config) -> Result<MethodCall<'a>> {
    check_size(xml, config)?;
    let mut de = Box::new(Deserializer::new(xml, config));
    match de.tok.next_mark()? {
        Mark::Start(Tag::MethodCall) => {}
        other => return Err(de.unexpected(other, "<methodCall> as the root element")),
    }
    let name = method_name(&mut de)?;
    if name.is_empty() {
        return Err(
            Error::new(ErrorKind::Invalid, "the method name is empty").at_offset(de.tok.pos())
        );
    }
    let state = if de.tok.plain_open(Tag::Params) {
        State::Open
    } else {
        match de.tok.next_mark()? {
            Mark::Start(Tag::Params) => State::Open,
            Mark::Empty(Tag::Params) => State::Closed,
            Mark::End(Tag::MethodCall) => {
                de.tok.expect_eof()?;
                State::Done
            }
            other => return Err(de.unexpected(other, "<params> or </methodCall>")),
        }
    };
    Ok(MethodCall {
        name,
        params: Params {
            source: Source::Xml { de, state },
            index: 0,
        },
    })
}

/// Parses a `<methodResponse>`: `Ok(Ok(value))` for a result, `Ok(Err(fault))` for a fault.
///
/// A result is `<params>` with exactly one `<param>`, as the spec requires; zero or
/// several parameters are an [`ErrorKind::Invalid`] error (Python's client would return
/// a tuple, which no typed caller expects). A fault is `<fault><value><struct>` with
/// `faultCode` (an int) and `faultString` (a string) in any order; other members are
/// ignored, a missing one or one of the wrong type is an [`ErrorKind::Type`] error.
pub fn parse_response<T: DeserializeOwned>(
    xml: &[u8],
    config: &Config,
) -> Result<Result<T, Fault>> {
    check_size(xml, config)?;
    let mut de = Deserializer::new(xml, config);
    match de.tok.next_mark()? {
        Mark::Start(Tag::MethodResponse) => {}
        other => return Err(de.unexpected(other, "<methodResponse> as the root element")),
    }
    let result = match de.tok.next_mark()? {
        Mark::Start(Tag::Params) => {
            match de.tok.peek_mark()? {
                Mark::Start(Tag::Param) => {}
                Mark::End(Tag::Params) => {
                    return Err(Error::new(
                        ErrorKind::Invalid,
                        "the response has no <param>; a result is exactly one",
                    )
                    .at_offset(de.tok.pos()));
                }
                other => return Err(de.unexpected(other, "<param>")),
            }
            let v: T = read_param(&mut de, false).map_err(|e| e.in_path(PathSegment::Param(0)))?;
            match de.tok.next_mark()? {
                Mark::End(Tag::Params) => {}
                Mark::Start(Tag::Param) => {
                    return Err(Error::new(
                        ErrorKind::Invalid,
                        "the response has more than one <param>; a result is exactly one",
                    )
                    .at_offset(de.tok.pos()));
                }
                other => return Err(de.unexpected(other, "</params>")),
            }
            Ok(v)
        }
        Mark::Empty(Tag::Params) => {
            return Err(Error::new(
                ErrorKind::Invalid,
                "the response has no <param>; a result is exactly one",
            )
            .at_offset(de.tok.pos()));
        }
        Mark::Start(Tag::Fault) => {
            let fault = Fault::deserialize(&mut de)?;
            match de.tok.next_mark()? {
                Mark::End(Tag::Fault) => {}
                other => return Err(de.unexpected(other, "</fault>")),
            }
            Err(fault)
        }
        other => return Err(de.unexpected(other, "<params> or <fault>")),
    };
    match de.tok.next_mark()? {
        Mark::End(Tag::MethodResponse) => {}
        other => return Err(de.unexpected(other, "</methodResponse>")),
    }
    de.tok.expect_eof()?;
    Ok(result)
}

/// Reads a document holding one `<value>` element into `T`, with the default [`Config`].
pub fn from_slice<T: DeserializeOwned>(xml: &[u8]) -> Result<T> {
    from_slice_with_config(xml, &Config::DEFAULT)
}

/// Reads a document holding one `<value>` element into `T`, with the limits of `config`.
pub fn from_slice_with_config<T: DeserializeOwned>(xml: &[u8], config: &Config) -> Result<T> {
    check_size(xml, config)?;
    let mut de = Deserializer::new(xml, config);
    let v = T::deserialize(&mut de)?;
    de.tok.expect_eof()?;
    Ok(v)
}
