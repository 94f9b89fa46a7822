//! The two `embedded-nal-async` traits reqwless connects with, backed by tokio on the host.
//!
//! On firmware these are embassy-net's `TcpClient` (`TcpConnect`) and `DnsSocket` (`Dns`):
//! nothing else in this example changes.

use std::io;
use std::net::{IpAddr, SocketAddr};

use embedded_io_adapters::tokio_1::FromTokio;
use embedded_nal_async::{AddrType, Dns, TcpConnect};
use tokio::net::TcpStream;

/// Opens TCP connections with tokio; `FromTokio` makes the stream an `embedded-io-async`
/// `Read + Write`, which is all reqwless asks of a connection.
pub struct TokioTcp;

impl TcpConnect for TokioTcp {
    type Error = io::Error;
    type Connection<'a> = FromTokio<TcpStream>;

    async fn connect<'a>(&'a self, remote: SocketAddr) -> Result<Self::Connection<'a>, io::Error> {
        let stream = TcpStream::connect(remote).await?;
        stream.set_nodelay(true)?;
        Ok(FromTokio::new(stream))
    }
}

/// Resolves with tokio (the system resolver); an IP literal (an IPv6 one with or without
/// its brackets) is its own answer, as it is for embassy-net's `DnsSocket`.
pub struct TokioDns;

impl Dns for TokioDns {
    type Error = io::Error;

    async fn get_host_by_name(&self, host: &str, want: AddrType) -> Result<IpAddr, io::Error> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let fits = |ip: &IpAddr| match want {
            AddrType::IPv4 => ip.is_ipv4(),
            AddrType::IPv6 => ip.is_ipv6(),
            AddrType::Either => true,
        };
        if let Ok(ip) = bare.parse::<IpAddr>() {
            return if fits(&ip) {
                Ok(ip)
            } else {
                Err(io::ErrorKind::AddrNotAvailable.into())
            };
        }
        tokio::net::lookup_host((bare, 0))
            .await?
            .map(|addr| addr.ip())
            .find(fits)
            .ok_or_else(|| io::ErrorKind::AddrNotAvailable.into())
    }

    async fn get_host_by_address(&self, _: IpAddr, _: &mut [u8]) -> Result<usize, io::Error> {
        Err(io::ErrorKind::Unsupported.into())
    }
}
