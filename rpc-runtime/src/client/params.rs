//! Call parameters: a tuple is spread into `<param>`s.

use serde::Serialize;

use crate::config::Config;
use crate::error::Result;
use crate::ser::{CallWriter, write_value};
use crate::value::Value;

/// The parameters of a call: each element of a tuple is one `<param>`.
///
/// `()` is no parameter, `(5, 10)` two `<int>`s, `(vec![1, 2],)` one array (note the
/// comma). A `Vec<Value>` or `[Value]` gives one parameter per value, for parameters known
/// only at run time.
///
/// ```no_run
/// # async fn f(client: rpc_runtime::Client) -> rpc_runtime::Result<()> {
/// let sum: i32 = client.call("add", (5, 10)).await?;
/// let methods: Vec<String> = client.call("system.listMethods", ()).await?;
/// # Ok(()) }
/// ```
pub trait ToParams {
    /// Appends the parameters to a call being written.
    fn write_params(&self, call: &mut CallWriter, config: &Config) -> Result<()>;

    /// Appends the parameters as `<value>` elements (the items of a `system.multicall`
    /// entry's `params` array).
    fn write_values(&self, out: &mut Vec<u8>, config: &Config) -> Result<()>;
}

impl<P: ToParams + ?Sized> ToParams for &P {
    fn write_params(&self, call: &mut CallWriter, config: &Config) -> Result<()> {
        (**self).write_params(call, config)
    }
    fn write_values(&self, out: &mut Vec<u8>, config: &Config) -> Result<()> {
        (**self).write_values(out, config)
    }
}

impl ToParams for [Value] {
    fn write_params(&self, call: &mut CallWriter, config: &Config) -> Result<()> {
        for v in self {
            call.param(v, config)?;
        }
        Ok(())
    }
    fn write_values(&self, out: &mut Vec<u8>, config: &Config) -> Result<()> {
        for v in self {
            write_value(out, v, config)?;
        }
        Ok(())
    }
}

impl ToParams for Vec<Value> {
    fn write_params(&self, call: &mut CallWriter, config: &Config) -> Result<()> {
        self.as_slice().write_params(call, config)
    }
    fn write_values(&self, out: &mut Vec<u8>, config: &Config) -> Result<()> {
        self.as_slice().write_values(out, config)
    }
}

macro_rules! tuple_params {
    ($($name:ident)*) => {
        impl<$($name: Serialize),*> ToParams for ($($name,)*) {
            #[allow(non_snake_case, unused_variables)]
            fn write_params(&self, call: &mut CallWriter, config: &Config) -> Result<()> {
                let ($($name,)*) = self;
                $(call.param($name, config)?;)*
                Ok(())
            }
            #[allow(non_snake_case, unused_variables)]
            fn write_values(&self, out: &mut Vec<u8>, config: &Config) -> Result<()> {
                let ($($name,)*) = self;
                $(write_value(out, $name, config)?;)*
                Ok(())
            }
        }
    };
}

tuple_params!();
tuple_params!(A);
tuple_params!(A B);
tuple_params!(A B C);
tuple_params!(A B C D);
tuple_params!(A B C D E);
tuple_params!(A B C D E F);
tuple_params!(A B C D E F G);
tuple_params!(A B C D E F G H);
tuple_params!(A B C D E F G H I);
tuple_params!(A B C D E F G H I J);
tuple_params!(A B C D E F G H I J K);
tuple_params!(A B C D E F G H I J K L);
