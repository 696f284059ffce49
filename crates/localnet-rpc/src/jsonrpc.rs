//! JSON-RPC 2.0 framing: requests (single or batched) in, responses out,
//! errors with their codes, and positional parameters.
//!
//! Nothing here trusts its input: a body that is not JSON, a request without
//! a method, parameters of the wrong shape all become JSON-RPC errors
//! (-32700, -32600, -32602), never a panic.

use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

/// Parse error: the body is not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// Invalid request: JSON, but not a JSON-RPC request.
pub const INVALID_REQUEST: i64 = -32600;
/// The method does not exist.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// The parameters do not fit the method.
pub const INVALID_PARAMS: i64 = -32602;
/// The server failed (a bug: a panic while handling the request).
pub const INTERNAL_ERROR: i64 = -32603;
/// geth's code for a request the node refuses (nonce, funds, unknown block).
pub const SERVER_ERROR: i64 = -32000;
/// geth's code for an execution that reverted with data.
pub const EXECUTION_REVERTED: i64 = 3;

/// A JSON-RPC error object.
#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    /// The code (see the constants of this module).
    pub code: i64,
    /// A readable message.
    pub message: String,
    /// Extra data: the revert data, for [`EXECUTION_REVERTED`].
    pub data: Option<Value>,
}

impl RpcError {
    /// An error with `code` and `message`, no data.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            data: None,
        }
    }

    /// -32602 with `message`.
    pub fn invalid_params(message: impl Into<String>) -> Self {
        Self::new(INVALID_PARAMS, message)
    }

    /// -32000 (geth's code for refusals) with `message`.
    pub fn server(message: impl Into<String>) -> Self {
        Self::new(SERVER_ERROR, message)
    }

    /// -32601 for `method`.
    pub fn method_not_found(method: &str) -> Self {
        Self::new(
            METHOD_NOT_FOUND,
            format!("the method {method} does not exist/is not available"),
        )
    }

    fn to_json(&self) -> Value {
        let mut error = Map::new();
        error.insert("code".into(), json!(self.code));
        error.insert("message".into(), json!(self.message));
        if let Some(data) = &self.data {
            error.insert("data".into(), data.clone());
        }
        Value::Object(error)
    }
}

/// The positional parameters of one request.
#[derive(Debug)]
pub struct Params<'a> {
    list: &'a [Value],
}

impl<'a> Params<'a> {
    /// The parameters in `params` (absent or `null`: none; an object, named
    /// parameters, is refused).
    pub fn new(params: Option<&'a Value>) -> Result<Self, RpcError> {
        match params {
            None | Some(Value::Null) => Ok(Self { list: &[] }),
            Some(Value::Array(list)) => Ok(Self { list }),
            Some(_) => Err(RpcError::invalid_params(
                "params must be an array (positional parameters)",
            )),
        }
    }

    /// The raw parameter at `index`, if present and not `null`.
    pub fn raw(&self, index: usize) -> Option<&'a Value> {
        self.list.get(index).filter(|v| !v.is_null())
    }

    /// The parameter at `index`, which must be there.
    pub fn required<T: DeserializeOwned>(&self, index: usize, name: &str) -> Result<T, RpcError> {
        match self.raw(index) {
            Some(value) => decode(value, index, name),
            None => Err(RpcError::invalid_params(format!(
                "missing value for required argument {index} ({name})"
            ))),
        }
    }

    /// The parameter at `index`, or `None` if absent or `null`.
    pub fn optional<T: DeserializeOwned>(
        &self,
        index: usize,
        name: &str,
    ) -> Result<Option<T>, RpcError> {
        self.raw(index)
            .map(|value| decode(value, index, name))
            .transpose()
    }

    /// A quantity (a `0x` hex string, a decimal string or a JSON number) at
    /// `index`, or `None` if absent.
    pub fn quantity(&self, index: usize, name: &str) -> Result<Option<u64>, RpcError> {
        let Some(value) = self.raw(index) else {
            return Ok(None);
        };
        let parsed = match value {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => s.parse().ok(),
            },
            _ => None,
        };
        parsed.map(Some).ok_or_else(|| {
            RpcError::invalid_params(format!(
                "argument {index} ({name}): {value} is not a non-negative integer of 64 bits"
            ))
        })
    }
}

fn decode<T: DeserializeOwned>(value: &Value, index: usize, name: &str) -> Result<T, RpcError> {
    T::deserialize(value)
        .map_err(|e| RpcError::invalid_params(format!("invalid argument {index} ({name}): {e}")))
}

/// Answers one HTTP body: a request or a batch. `None` when there is
/// nothing to answer (only notifications).
pub fn handle_body(
    body: &[u8],
    mut call: impl FnMut(&str, Params<'_>) -> Result<Value, RpcError>,
) -> Option<Value> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Some(response(
                Value::Null,
                Err(RpcError::new(PARSE_ERROR, format!("parse error: {e}"))),
            ))
        }
    };
    match value {
        Value::Array(batch) if batch.is_empty() => Some(response(
            Value::Null,
            Err(RpcError::new(INVALID_REQUEST, "empty batch")),
        )),
        Value::Array(batch) => {
            let answers: Vec<Value> = batch
                .iter()
                .filter_map(|request| handle_one(request, &mut call))
                .collect();
            (!answers.is_empty()).then_some(Value::Array(answers))
        }
        request => handle_one(&request, &mut call),
    }
}

fn handle_one(
    request: &Value,
    call: &mut impl FnMut(&str, Params<'_>) -> Result<Value, RpcError>,
) -> Option<Value> {
    let Value::Object(fields) = request else {
        return Some(response(
            Value::Null,
            Err(RpcError::new(
                INVALID_REQUEST,
                "a request must be a JSON object",
            )),
        ));
    };
    // A request without an id is a notification: it runs, nothing answers.
    let id = fields.get("id").cloned();
    let result = match fields.get("method") {
        Some(Value::String(method)) => {
            Params::new(fields.get("params")).and_then(|params| call(method, params))
        }
        _ => Err(RpcError::new(
            INVALID_REQUEST,
            "a request needs a string \"method\"",
        )),
    };
    id.map(|id| response(id, result))
}

fn response(id: Value, result: Result<Value, RpcError>) -> Value {
    match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err(error) => json!({ "jsonrpc": "2.0", "id": id, "error": error.to_json() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo(method: &str, params: Params<'_>) -> Result<Value, RpcError> {
        match method {
            "echo" => params.required::<Value>(0, "value"),
            "quantity" => Ok(json!(params.quantity(0, "n")?)),
            _ => Err(RpcError::method_not_found(method)),
        }
    }

    fn answer(body: &str) -> Value {
        handle_body(body.as_bytes(), echo).expect("an answer")
    }

    #[test]
    fn answers_a_request_with_its_id() {
        let out = answer(r#"{"jsonrpc":"2.0","id":7,"method":"echo","params":["hi"]}"#);
        assert_eq!(out, json!({"jsonrpc":"2.0","id":7,"result":"hi"}));
    }

    #[test]
    fn malformed_input_gets_json_rpc_errors() {
        assert_eq!(answer("{not json")["error"]["code"], json!(PARSE_ERROR));
        assert_eq!(answer("[]")["error"]["code"], json!(INVALID_REQUEST));
        assert_eq!(answer("5")["error"]["code"], json!(INVALID_REQUEST));
        assert_eq!(
            answer(r#"{"id":1,"method":3}"#)["error"]["code"],
            json!(INVALID_REQUEST)
        );
        assert_eq!(
            answer(r#"{"id":1,"method":"nope"}"#)["error"]["code"],
            json!(METHOD_NOT_FOUND)
        );
        assert_eq!(
            answer(r#"{"id":1,"method":"echo","params":{"a":1}}"#)["error"]["code"],
            json!(INVALID_PARAMS)
        );
        assert_eq!(
            answer(r#"{"id":1,"method":"echo","params":[]}"#)["error"]["code"],
            json!(INVALID_PARAMS)
        );
        assert_eq!(
            answer(r#"{"id":1,"method":"quantity","params":["0xzz"]}"#)["error"]["code"],
            json!(INVALID_PARAMS)
        );
    }

    #[test]
    fn quantities_in_hex_decimal_or_numbers() {
        for (text, n) in [(r#""0x10""#, 16), (r#""16""#, 16), ("16", 16)] {
            let body = format!(r#"{{"id":1,"method":"quantity","params":[{text}]}}"#);
            assert_eq!(answer(&body)["result"], json!(n), "{text}");
        }
    }

    #[test]
    fn batches_answer_in_order_without_notifications() {
        let out = answer(
            r#"[{"id":1,"method":"echo","params":[1]},
                {"method":"echo","params":[2]},
                {"id":"x","method":"nope"}]"#,
        );
        let answers = out.as_array().expect("a batch answer");
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0]["result"], json!(1));
        assert_eq!(answers[1]["id"], json!("x"));
        assert_eq!(answers[1]["error"]["code"], json!(METHOD_NOT_FOUND));
        assert!(handle_body(br#"{"method":"echo","params":[1]}"#, echo).is_none());
    }
}
