//! Private targets at connection time: a reqwest resolver that drops every address less
//! public than a given [`AddressSpace`].

use std::net::{IpAddr, SocketAddr};

use redirects::{AddressSpace, PrivateTarget};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The refusal of `address` (for `host`) under a guard of space `min`, if it is less
/// public: the rule of [`Follow::check_address`](redirects::Follow::check_address).
pub(crate) fn check(
    host: &str,
    address: IpAddr,
    min: AddressSpace,
) -> Result<(), redirects::Error> {
    let space = AddressSpace::of_ip(address);
    if space >= min {
        return Ok(());
    }
    Err(redirects::Error::PrivateTarget(Box::new(PrivateTarget {
        host: host.into(),
        address: Some(address),
        space,
        chain: min,
        // The resolver does not know which request of which chain it resolves for.
        status: None,
    })))
}

/// A resolver for reqwest (`ClientBuilder::dns_resolver`) that lets through only the
/// addresses at least as public as its space ([`AddressSpace::of_ip`], the order of
/// [`Follow::check_address`](redirects::Follow::check_address): `Local < Private <
/// Public`), from the system's lookup (tokio's `lookup_host`, `getaddrinfo`): a name with
/// none left fails with the core's [`redirects::Error::PrivateTarget`] for the first
/// address it refused, before any connection. reqwest connects to the addresses it
/// returns: there is no second lookup for a DNS rebinding to answer differently.
///
/// reqwest does not resolve an IP-literal host: give the middleware the same space
/// ([`FollowRedirects::guard`](crate::FollowRedirects::guard)). Behind a proxy, the proxy
/// resolves, and has to enforce the rule (`ClientBuilder::no_proxy` to connect directly).
///
/// ```
/// use std::sync::Arc;
/// use redirects::{AddressSpace, Policy};
/// use redirects_reqwest::{FollowRedirects, GuardedResolver, find_private_target};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let reqwest_client = reqwest::Client::builder()
///     .redirect(reqwest::redirect::Policy::none())
///     .dns_resolver(Arc::new(GuardedResolver::new(AddressSpace::Public)))
///     .no_proxy()
///     .build()?;
/// let client = reqwest_middleware::ClientBuilder::new(reqwest_client)
///     .with(FollowRedirects::new(Policy::strict()).guard(AddressSpace::Public))
///     .build();
///
/// // `localhost` resolves to loopback: refused before any connection.
/// let err = client.get("http://localhost/").send().await.unwrap_err();
/// let refused = find_private_target(&err).expect("refused by the guard");
/// assert_eq!(refused.space, AddressSpace::Local);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    min: AddressSpace,
}

impl GuardedResolver {
    /// The system resolver, guarded: only addresses at least as public as `min`.
    pub fn new(min: AddressSpace) -> Self {
        GuardedResolver { min }
    }

    /// The least public space it lets through.
    pub fn min_space(&self) -> AddressSpace {
        self.min
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let min = self.min;
        let host: String = name.as_str().into();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut refused = None;
            let kept: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|addr| match check(&host, addr.ip(), min) {
                    Ok(()) => true,
                    Err(e) => {
                        refused.get_or_insert(e);
                        false
                    }
                })
                .collect();
            match (kept.is_empty(), refused) {
                (true, Some(e)) => Err(e.into()),
                _ => Ok(Box::new(kept.into_iter()) as Addrs),
            }
        })
    }
}
