//! The HTTP side: a thread that owns the [`Node`] and serves JSON-RPC over
//! HTTP/1.1 on loopback (hyper 1 on a current-thread tokio runtime).
//!
//! The [`Localnet`] is built inside that thread (it need not be `Send`), and
//! requests are answered one at a time, in the order they arrive; many
//! connections may be open at once (keep-alive clients, watchers). POST
//! carries requests (single or batched); OPTIONS answers CORS preflights so
//! a browser page (viem) can call the node; anything else gets 405.

use std::cell::RefCell;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use alloy_primitives::Address;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{
    HeaderValue, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS,
    ACCESS_CONTROL_ALLOW_ORIGIN, CONTENT_TYPE,
};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use localnet::entry_point::ENTRY_POINT;
use localnet::Localnet;
use tokio::sync::oneshot;

use crate::jsonrpc::{self, RpcError, INTERNAL_ERROR};
use crate::node::Node;
use crate::{Error, NodeConfig};

/// The largest request body accepted (init code of the largest contracts,
/// batched, fits many times).
const MAX_BODY: usize = 16 << 20;
/// The server thread's stack: room for deep EVM and Stylus call chains.
const STACK_SIZE: usize = 64 << 20;

/// Starts JSON-RPC servers over the embedded local chain.
///
/// ```no_run
/// use localnet_rpc::{LocalnetRpc, NodeConfig};
///
/// let node = LocalnetRpc::start(NodeConfig::default()).unwrap();
/// println!("JSON-RPC at {}", node.url());
/// // ... point alloy, cast or viem at node.url() ...
/// node.shutdown().unwrap();
/// ```
#[derive(Debug)]
pub struct LocalnetRpc;

impl LocalnetRpc {
    /// Starts a node on a fresh [`Localnet::new`] chain (genesis as
    /// [`NodeConfig`] says) and returns once it accepts requests.
    pub fn start(config: NodeConfig) -> Result<RunningNode, Error> {
        Self::start_with(config, Localnet::new)
    }

    /// [`LocalnetRpc::start`] on the chain `make_chain` builds, in the
    /// server's thread (the chain need not be `Send`). The genesis steps
    /// (funding, the deployment proxy, the EntryPoint) are applied to it.
    pub fn start_with<F>(config: NodeConfig, make_chain: F) -> Result<RunningNode, Error>
    where
        F: FnOnce() -> Localnet + Send + 'static,
    {
        let listener = std::net::TcpListener::bind(("127.0.0.1", config.port))
            .map_err(|e| Error::Bind(config.port, e))?;
        listener.set_nonblocking(true).map_err(Error::Io)?;
        let addr = listener.local_addr().map_err(Error::Io)?;
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), Error>>();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let entry_point = config.entry_point.then_some(ENTRY_POINT);

        let thread = std::thread::Builder::new()
            .name(format!("localnet-rpc {addr}"))
            .stack_size(STACK_SIZE)
            .spawn(move || -> Result<(), Error> {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(e) => {
                        let _ = ready_tx.send(Err(Error::Io(e)));
                        return Ok(());
                    }
                };
                let genesis =
                    catch_unwind(AssertUnwindSafe(|| Node::genesis(make_chain(), &config)))
                        .unwrap_or_else(|panic| Err(panic_message(&panic)));
                let node = match genesis {
                    Ok(node) => node,
                    Err(e) => {
                        let _ = ready_tx.send(Err(Error::Genesis(e)));
                        return Ok(());
                    }
                };
                let local = tokio::task::LocalSet::new();
                local.block_on(&runtime, async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).map_err(Error::Io)?;
                    let _ = ready_tx.send(Ok(()));
                    serve(listener, Rc::new(RefCell::new(node)), stop_rx).await;
                    Ok(())
                })
            })
            .map_err(Error::Io)?;

        match ready_rx.recv() {
            Ok(Ok(())) => Ok(RunningNode {
                addr,
                entry_point,
                stop: Some(stop_tx),
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => Err(match thread.join() {
                Ok(Err(e)) => e,
                Ok(Ok(())) => Error::Genesis("the server thread ended before it was ready".into()),
                Err(panic) => Error::Genesis(panic_message(&panic)),
            }),
        }
    }

    /// Starts a node and serves until the process ends (for a CLI command);
    /// `on_ready` is given the running node (its URL, its EntryPoint) once
    /// it accepts requests. Returns only if the node could not start or its
    /// server failed.
    pub fn serve_forever(
        config: NodeConfig,
        on_ready: impl FnOnce(&RunningNode),
    ) -> Result<(), Error> {
        let node = Self::start(config)?;
        on_ready(&node);
        node.wait()
    }
}

/// A node being served; stops when dropped (or with [`RunningNode::shutdown`]).
#[derive(Debug)]
pub struct RunningNode {
    addr: SocketAddr,
    entry_point: Option<Address>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), Error>>>,
}

impl RunningNode {
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The EntryPoint v0.7 address, if the genesis deployed it.
    pub fn entry_point(&self) -> Option<Address> {
        self.entry_point
    }

    /// Stops serving (open connections are closed) and waits for the
    /// server's thread to end.
    pub fn shutdown(mut self) -> Result<(), Error> {
        self.stop_and_join()
    }

    /// Blocks until the server stops, which it does only on an error (or
    /// when the process ends).
    pub fn wait(mut self) -> Result<(), Error> {
        match self.thread.take() {
            Some(thread) => join(thread),
            None => Ok(()),
        }
    }

    fn stop_and_join(&mut self) -> Result<(), Error> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take() {
            Some(thread) => join(thread),
            None => Ok(()),
        }
    }
}

impl Drop for RunningNode {
    fn drop(&mut self) {
        let _ = self.stop_and_join();
    }
}

fn join(thread: JoinHandle<Result<(), Error>>) -> Result<(), Error> {
    match thread.join() {
        Ok(result) => result,
        Err(panic) => Err(Error::Panicked(panic_message(&panic))),
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        format!("panicked: {s}")
    } else if let Some(s) = panic.downcast_ref::<String>() {
        format!("panicked: {s}")
    } else {
        "panicked".into()
    }
}

/// Accepts connections until `stop` fires (or its sender is dropped).
async fn serve(
    listener: tokio::net::TcpListener,
    node: Rc<RefCell<Node>>,
    mut stop: oneshot::Receiver<()>,
) {
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let node = node.clone();
                    tokio::task::spawn_local(async move {
                        let service = service_fn(move |request| handle_http(node.clone(), request));
                        // A client that goes away mid-request is not our error.
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                // Out of file descriptors and the like: wait, then go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
        }
    }
}

async fn handle_http(
    node: Rc<RefCell<Node>>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    match *request.method() {
        Method::POST => {}
        Method::OPTIONS => return Ok(reply(StatusCode::NO_CONTENT, None, Bytes::new())),
        _ => {
            return Ok(reply(
                StatusCode::METHOD_NOT_ALLOWED,
                Some("text/plain"),
                Bytes::from_static(b"localnet-rpc: send JSON-RPC requests with POST\n"),
            ))
        }
    }
    let body = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(body) => body.to_bytes(),
        Err(e) => {
            return Ok(reply(
                StatusCode::PAYLOAD_TOO_LARGE,
                Some("text/plain"),
                Bytes::from(format!("localnet-rpc: cannot read the request body: {e}\n")),
            ))
        }
    };
    let answer = {
        let mut node = node.borrow_mut();
        jsonrpc::handle_body(&body, |method, params| {
            let answer = catch_unwind(AssertUnwindSafe(|| node.call(method, params)));
            answer.unwrap_or_else(|panic| {
                node.reset_env();
                Err(RpcError::new(
                    INTERNAL_ERROR,
                    format!("internal error: localnet-rpc {}", panic_message(&panic)),
                ))
            })
        })
    };
    Ok(match answer {
        Some(answer) => reply(
            StatusCode::OK,
            Some("application/json"),
            Bytes::from(answer.to_string()),
        ),
        None => reply(StatusCode::NO_CONTENT, None, Bytes::new()),
    })
}

fn reply(
    status: StatusCode,
    content_type: Option<&'static str>,
    body: Bytes,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Some(content_type) = content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, OPTIONS"),
    );
    headers.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("content-type"),
    );
    response
}
