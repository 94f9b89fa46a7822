//! The blocking runtime: performs the [`Driver`]'s actions with `std::net`.
//!
//! This is all the I/O of `examples/follow.rs`; the loop itself is `driver.rs` (which
//! also applies `Follow::check_address` to every address before it asks for a connection).

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::driver::{Action, ClientError, Driver, Input, Options, Outcome};

/// Follows the chain over blocking sockets, printing it like `curl -v` to `trace`.
pub fn run(opts: &Options, trace: &mut dyn Write) -> Result<Outcome, ClientError> {
    let mut driver = Driver::new(opts, trace)?;
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
                match connect(addrs, opts.io_timeout) {
                    Ok(s) => {
                        stream = Some(s);
                        Input::Ready
                    }
                    Err(e) => Input::Failed(e),
                }
            }
            Action::Write(bytes) => match stream.as_mut().map(|s| s.write_all(bytes)) {
                Some(Ok(())) => Input::Ready,
                Some(Err(e)) => Input::Failed(e),
                None => Input::Failed(io::ErrorKind::NotConnected.into()),
            },
            Action::Read => match stream.as_mut().map(|s| s.read(&mut chunk)) {
                Some(Ok(0)) => Input::Closed,
                Some(Ok(n)) => Input::Data(&chunk[..n]),
                Some(Err(e)) => Input::Failed(e),
                None => Input::Failed(io::ErrorKind::NotConnected.into()),
            },
            Action::Done(outcome) => return Ok(*outcome),
        };
    }
}

/// Opens a connection with the timeouts of `timeout`, trying each address in turn.
fn connect(addrs: &[SocketAddr], timeout: Duration) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for addr in addrs {
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(stream) => {
                stream.set_read_timeout(Some(timeout))?;
                stream.set_write_timeout(Some(timeout))?;
                stream.set_nodelay(true)?;
                return Ok(stream);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}
