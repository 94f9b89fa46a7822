//! The blocking runtime: performs the [`Driver`]'s actions with `std::net`.
//!
//! This is all the I/O of `examples/follow.rs`; the loop itself is `driver.rs` (which
//! also applies `Follow::check_address` to every address before it asks for a connection).
//! Every connect, read and write waits at most [`Options::io_timeout`] and never past the
//! chain's deadline ([`Options::deadline`]): six addresses that never answer take the
//! deadline, not six connect timeouts.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::driver::{Action, ClientError, Driver, Input, Options, Outcome};

/// Follows the chain over blocking sockets, printing it like `curl -v` to `trace`.
pub fn run(opts: &Options, trace: &mut dyn Write) -> Result<Outcome, ClientError> {
    let mut driver = Driver::new(opts, trace)?;
    let deadline = driver.deadline();
    let limit = opts.io_timeout;
    let mut stream: Option<TcpStream> = None;
    let mut chunk = [0u8; 8192];
    let mut input = Input::Start;
    loop {
        input = match driver.step(input)? {
            Action::Resolve { host, port } => match (host, port).to_socket_addrs() {
                Ok(addrs) => Input::Resolved(addrs.collect()),
                Err(e) => Input::Failed(e),
            },
            Action::Connect { addrs } => {
                stream = None;
                match connect(addrs, limit, deadline) {
                    Ok(s) => {
                        stream = Some(s);
                        Input::Ready
                    }
                    Err(e) => Input::Failed(e),
                }
            }
            Action::Write(bytes) => match with_timeout(stream.as_mut(), limit, deadline, false)
                .and_then(|s| s.write_all(bytes).map_err(|e| timed_out(e, "write", limit)))
            {
                Ok(()) => Input::Ready,
                Err(e) => Input::Failed(e),
            },
            Action::Read => match with_timeout(stream.as_mut(), limit, deadline, true)
                .and_then(|s| s.read(&mut chunk).map_err(|e| timed_out(e, "read", limit)))
            {
                Ok(0) => Input::Closed,
                Ok(n) => Input::Data(&chunk[..n]),
                Err(e) => Input::Failed(e),
            },
            Action::Done(outcome) => return Ok(*outcome),
        };
    }
}

/// How long the next wait may take: `limit`, cut to what is left before `deadline`.
fn wait(limit: Duration, deadline: Instant) -> io::Result<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "time limit for the whole chain reached",
        ));
    }
    Ok(limit.min(left))
}

/// The stream, its read (or write) timeout set for the next wait.
fn with_timeout(
    stream: Option<&mut TcpStream>,
    limit: Duration,
    deadline: Instant,
    read: bool,
) -> io::Result<&mut TcpStream> {
    let stream = stream.ok_or(io::ErrorKind::NotConnected)?;
    let wait = Some(wait(limit, deadline)?);
    if read {
        stream.set_read_timeout(wait)?;
    } else {
        stream.set_write_timeout(wait)?;
    }
    Ok(stream)
}

/// A timeout says so, instead of "Resource temporarily unavailable (os error 11)".
fn timed_out(e: io::Error, what: &str, limit: Duration) -> io::Error {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => io::Error::new(
            io::ErrorKind::TimedOut,
            format!("{what} timed out (nothing for {} s)", limit.as_secs_f32()),
        ),
        _ => e,
    }
}

/// Opens a connection, trying each address in turn, each for at most `limit` and all
/// before `deadline`.
fn connect(addrs: &[SocketAddr], limit: Duration, deadline: Instant) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for addr in addrs {
        match TcpStream::connect_timeout(addr, wait(limit, deadline)?) {
            Ok(stream) => {
                stream.set_nodelay(true)?;
                return Ok(stream);
            }
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                last = io::Error::new(e.kind(), format!("connect to {addr} timed out"));
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}
