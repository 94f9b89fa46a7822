//! The blocking runtime: performs the [`Driver`]'s actions with `std::net`.
//!
//! This is all the I/O of `examples/follow.rs`; the loop itself is `driver.rs`.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
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
            Action::Connect { host, port } => {
                stream = None;
                match connect(host, port, opts.io_timeout) {
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
fn connect(host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
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
