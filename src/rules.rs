//! What a profile decides, as data: one `const` [`Rules`] value per profile.
//!
//! Adding a profile is adding one `const` here, listing it in [`Rules::ALL`], and a row in
//! the crate docs' profile table. Nothing else in the crate names a profile: the decision
//! (`plan.rs`), the machine and the chain's headers read these values, and where curl's
//! model differs from Fetch's they branch on the value that says so
//! ([`MethodModel::Curl`], [`RefererRule::Curl`], [`CredentialScope::EachRequest`],
//! [`LocationConflict::OnAnyStatus`]).

use crate::headers::Class;
use crate::method::Method;
use url::Url;

/// A set of response statuses, all in `300..=399` (only a 3xx can redirect).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Statuses(u128);

impl Statuses {
    /// Every 3xx.
    const ALL_3XX: Statuses = Statuses((1 << 100) - 1);

    const fn of(list: &[u16]) -> Statuses {
        let mut bits = 0u128;
        let mut i = 0;
        while i < list.len() {
            bits |= 1 << (list[i] - 300);
            i += 1;
        }
        Statuses(bits)
    }

    #[inline]
    pub(crate) fn contains(self, status: u16) -> bool {
        (300..400).contains(&status) && self.0 & (1 << (status - 300)) != 0
    }
}

/// Which methods a rewrite applies to: one bit per standard method, one for every
/// extension method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Methods(u16);

impl Methods {
    const ANY: Methods = Methods(u16::MAX);

    const fn bit(m: &Method) -> u16 {
        1 << match m {
            Method::Get => 0,
            Method::Head => 1,
            Method::Post => 2,
            Method::Put => 3,
            Method::Delete => 4,
            Method::Connect => 5,
            Method::Options => 6,
            Method::Trace => 7,
            Method::Patch => 8,
            Method::Extension(_) => 9,
        }
    }

    const fn only(list: &[Method]) -> Methods {
        let mut bits = 0;
        let mut i = 0;
        while i < list.len() {
            bits |= Methods::bit(&list[i]);
            i += 1;
        }
        Methods(bits)
    }

    #[inline]
    fn contains_bit(self, bit: u16) -> bool {
        self.0 & bit != 0
    }
}

/// The method of the next request when a rewrite applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NextMethod {
    Get,
    Same,
}

/// Why the method changed (or the body was dropped) on a redirect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MethodRule {
    /// 301 or 302 answering a POST: the next request is a GET (Fetch, for historical
    /// reasons; curl's own rule is [`MethodRule::CurlSwitchToGet`]).
    PostToGet,
    /// 303 See Other: the next request is a GET (HEAD stays HEAD), without the body.
    SeeOther,
    /// curl's `http_switch_to_get` (lib/http.c): a `-d` body on 301/302, or any body or
    /// `-I` on 303, is dropped and the request becomes a GET (HEAD for `-I`).
    CurlSwitchToGet,
    /// curl's "Stick to METHOD instead of GET": as [`MethodRule::CurlSwitchToGet`], but
    /// the method was forced with `-X`, so it is kept; only the body is dropped.
    CurlStickToMethod,
}

/// Where curl's request body comes from (the `curl` profile only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CurlBody {
    /// No body option.
    None,
    /// `-d`/`--data` (and `-F`): a form post, libcurl's POST request kind.
    Data,
    /// `-T`/`--upload-file`: an upload, libcurl's PUT request kind.
    Upload,
}

/// curl's `--post301`, `--post302` and `--post303` (`CURLOPT_POSTREDIR`): the redirect
/// statuses among 301, 302 and 303 on which a request of libcurl's POST kind
/// ([`CurlBody::Data`]: `-d`, `-F`, with or without `-X`) keeps its method and its body
/// instead of switching to GET. Give it to
/// [`Policy::with_post_redirect`](crate::Policy::with_post_redirect); only the `curl` rules
/// read it.
///
/// An upload ([`CurlBody::Upload`], `-T`), a GET and a HEAD (`-I`) are not affected: a 303
/// still turns an upload into a GET, and `-I` stays HEAD. Once a redirect has switched
/// the request to GET, it is libcurl's GET kind for the rest of the chain, so a later
/// listed status keeps the GET.
///
/// ```
/// use redirects::{Error, InvalidPolicy, PostRedirect};
/// let keep = PostRedirect::of(&[301, 303])?;
/// assert!(keep.contains(301) && !keep.contains(302) && keep.contains(303));
/// assert_eq!(PostRedirect::of(&[301, 302, 303])?, PostRedirect::ALL);
/// assert_eq!(PostRedirect::of(&[])?, PostRedirect::NONE);
/// // libcurl's bits: CURL_REDIR_POST_301 | CURL_REDIR_POST_303.
/// assert_eq!(keep.bits(), 0b101);
/// assert_eq!(
///     PostRedirect::of(&[307]).unwrap_err(),
///     Error::InvalidPolicy(InvalidPolicy::PostRedirectStatus { status: 307 })
/// );
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PostRedirect(u8);

impl PostRedirect {
    /// No status: curl's default (a POST becomes a GET on 301, 302 and 303).
    pub const NONE: PostRedirect = PostRedirect(0);
    /// 301, 302 and 303: `--post301 --post302 --post303` (`CURL_REDIR_POST_ALL`).
    pub const ALL: PostRedirect = PostRedirect(0b111);

    /// The set of `statuses`, each 301, 302 or 303 (repeats are fine). Any other status is
    /// [`InvalidPolicy::PostRedirectStatus`](crate::InvalidPolicy::PostRedirectStatus):
    /// 307 and 308 keep a POST anyway, and no other status switches it.
    pub fn of(statuses: &[u16]) -> Result<PostRedirect, crate::Error> {
        statuses
            .iter()
            .try_fold(PostRedirect::NONE, |set, &s| set.with(s))
    }

    /// This set and `status` (301, 302 or 303, else
    /// [`InvalidPolicy::PostRedirectStatus`](crate::InvalidPolicy::PostRedirectStatus)).
    ///
    /// ```
    /// use redirects::PostRedirect;
    /// let keep = PostRedirect::NONE.with(302)?; // curl --post302
    /// assert!(keep.contains(302) && !keep.contains(301));
    /// assert!(PostRedirect::NONE.with(300).is_err());
    /// # Ok::<(), redirects::Error>(())
    /// ```
    pub fn with(self, status: u16) -> Result<PostRedirect, crate::Error> {
        match status {
            301..=303 => Ok(PostRedirect(self.0 | 1 << (status - 301))),
            _ => Err(crate::error::InvalidPolicy::PostRedirectStatus { status }.into()),
        }
    }

    /// Whether a POST-kind request keeps its method and body on `status`.
    ///
    /// ```
    /// use redirects::PostRedirect;
    /// assert!(PostRedirect::ALL.contains(303) && !PostRedirect::ALL.contains(307));
    /// ```
    pub fn contains(self, status: u16) -> bool {
        matches!(status, 301..=303) && self.0 & 1 << (status - 301) != 0
    }

    /// libcurl's `CURLOPT_POSTREDIR` bitmask: `CURL_REDIR_POST_301` (1),
    /// `CURL_REDIR_POST_302` (2), `CURL_REDIR_POST_303` (4).
    ///
    /// ```
    /// use redirects::PostRedirect;
    /// assert_eq!(PostRedirect::ALL.bits(), 7); // CURL_REDIR_POST_ALL
    /// ```
    pub fn bits(self) -> u8 {
        self.0
    }
}

/// How `curl` would have sent a request: where its body comes from, and whether the
/// method was forced with `-X`. libcurl decides a redirect by this, not by the method:
/// `curl -X PUT -d x` loses its body on a 302 but stays PUT, `curl -T f` keeps PUT and
/// its body on a 302. Only the `curl` rules read it; give it with
/// [`Request::curl`](crate::Request::curl), or let [`CurlRequest::assumed`] pick the
/// command line a user would type.
///
/// ```
/// use redirects::{CurlBody, CurlRequest, Method};
/// let put = CurlRequest::assumed(Method::Put, true);
/// assert_eq!(put, CurlRequest { body: CurlBody::Upload, forced_method: false }); // curl -T FILE
/// let delete = CurlRequest::assumed(Method::Delete, true);
/// assert_eq!(delete, CurlRequest { body: CurlBody::Data, forced_method: true }); // curl -X DELETE -d BODY
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurlRequest {
    /// Where the body comes from.
    pub body: CurlBody,
    /// The method was given with `-X` (`CURLOPT_CUSTOMREQUEST`).
    pub forced_method: bool,
}

impl CurlRequest {
    /// The command line a user would type for `method`, with or without a body: GET as
    /// `curl -L URL`, HEAD as `curl -L -I URL`, POST as `curl -L -d BODY URL` (no `-X`; no
    /// body is `-d ''`), PUT with a body as `curl -L -T FILE URL`, any other method (PUT
    /// without a body included) as `curl -L -X METHOD [-d BODY] URL`.
    pub fn assumed(method: Method, has_body: bool) -> CurlRequest {
        let (body, forced_method) = match method {
            Method::Get | Method::Head => (CurlBody::None, false),
            Method::Post => (CurlBody::Data, false),
            Method::Put if has_body => (CurlBody::Upload, false),
            _ if has_body => (CurlBody::Data, true),
            _ => (CurlBody::None, true),
        };
        CurlRequest {
            body,
            forced_method,
        }
    }

    /// libcurl's `Curl_http_follow` for a `status` redirect of a request sent with
    /// `method`, with `keep` the statuses of `CURLOPT_POSTREDIR`: the next method and the
    /// rule when it switches to GET (the body is then dropped), `None` when method and
    /// body are kept.
    pub(crate) fn follow(
        self,
        status: u16,
        method: Method,
        keep: PostRedirect,
    ) -> Option<(Method, MethodRule)> {
        // `-I` without `-X` is libcurl's HEAD request kind (CURLOPT_NOBODY).
        let head = method == Method::Head && !self.forced_method;
        // `HTTPREQ_IS_POST` with the status in `CURLOPT_POSTREDIR`: nothing switches.
        if self.body == CurlBody::Data && keep.contains(status) {
            return None;
        }
        let switch = match status {
            // Only the POST kinds (`-d`, `-F`) switch on 301/302.
            301 | 302 => self.body == CurlBody::Data,
            // Every kind but GET switches on 303.
            303 => self.body != CurlBody::None || head,
            _ => false,
        };
        if !switch {
            return None;
        }
        Some(if self.forced_method {
            (method, MethodRule::CurlStickToMethod)
        } else if head {
            (Method::Head, MethodRule::CurlSwitchToGet)
        } else {
            (Method::Get, MethodRule::CurlSwitchToGet)
        })
    }
}

/// How the rules decide the next method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MethodModel {
    /// By the method, from the rewrite table (Fetch).
    Table,
    /// By how curl sent the request ([`CurlRequest`]), as libcurl does.
    Curl,
}

/// A set of statuses in `300..=315`, as a rewrite row names them (one `u16`: testing a
/// row is two ANDs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FewStatuses(u16);

impl FewStatuses {
    const fn of(list: &[u16]) -> FewStatuses {
        let mut bits = 0u16;
        let mut i = 0;
        while i < list.len() {
            assert!(
                list[i] >= 300 && list[i] < 316,
                "rewrite rows name 300..=315"
            );
            bits |= 1 << (list[i] - 300);
            i += 1;
        }
        FewStatuses(bits)
    }

    #[inline]
    fn contains(self, status: u16) -> bool {
        status.wrapping_sub(300) < 16 && self.0 & (1 << (status.wrapping_sub(300))) != 0
    }
}

/// One row of a method rewrite table: on these statuses, for these methods, the next
/// request has this method and no body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rewrite {
    statuses: FewStatuses,
    methods: Methods,
    to: NextMethod,
    rule: MethodRule,
}

const fn row(statuses: &[u16], methods: Methods, to: NextMethod, rule: MethodRule) -> Rewrite {
    Rewrite {
        statuses: FewStatuses::of(statuses),
        methods,
        to,
        rule,
    }
}

/// When a body the caller cannot send again ([`Body::Streamed`](crate::Body::Streamed))
/// stops the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StreamedBody {
    /// On any redirect but 303, checked before the method rewrite (Fetch, HTTP-redirect
    /// fetch step 11).
    FailUnlessSeeOther,
    /// Only when the body would be sent again: no rewrite applies (curl must rewind).
    FailWhenResent,
}

/// Where two different `Location` fields are an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LocationConflict {
    /// Only on a status that is followed (Fetch reads `Location` only then).
    OnRedirect,
    /// On any response (curl's "Multiple Location headers", lib/http.c `http_header_l`).
    OnAnyStatus,
}

/// How far a credential goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredentialScope {
    /// Removed on the first request it may not go to, and never sent again (Fetch).
    UntilRefused,
    /// Decided again on every request: sent whenever the request may receive it, so it
    /// is back when the chain returns to its origin (curl, `Curl_auth_allowed_to_host`).
    EachRequest,
}

/// Where each request's `Referer` comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefererRule {
    /// W3C Referrer Policy "determine request's referrer" on every request, with the
    /// policy a redirect's `Referrer-Policy` header sets (Fetch).
    Policy,
    /// curl: the caller's `--referer` value on every request, or with `;auto` the
    /// previous URL on every redirect; a caller-set `Referer` field is sent as it is.
    Curl,
}

/// The rules of one profile: which statuses are followed and how, as one value.
///
/// A [`Policy`](crate::Policy) is a `Rules` plus the caller's overrides of its values.
/// The three profiles are [`Rules::FETCH`] (the default), [`Rules::STRICT`] and
/// [`Rules::CURL`]; the crate docs tabulate how they differ.
///
/// ```
/// use redirects::{Method, Rules};
/// assert!(Rules::FETCH.follows(308) && !Rules::FETCH.follows(300));
/// assert!(Rules::CURL.follows(300));
/// assert_eq!(Rules::FETCH.next_method(303, Method::Delete), Some(Method::Get));
/// assert_eq!(Rules::CURL.next_method(303, Method::Delete), Some(Method::Delete));
/// assert_eq!(Rules::from_name("strict").map(|r| r.name()), Some("strict"));
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct Rules {
    pub(crate) name: &'static str,
    /// The statuses followed when they carry a usable `Location`.
    pub(crate) follow: Statuses,
    /// How the next method is decided.
    pub(crate) methods: MethodModel,
    /// Method rewrites, first matching row wins; a matching row also drops the body
    /// (under [`MethodModel::Table`]).
    pub(crate) rewrites: &'static [Rewrite],
    /// For each status in `300..=315`, the methods some row of `rewrites` names on it
    /// ([`rewrite_index`]): most redirects match no row, and this says so in one test.
    rewrite_index: [Methods; 16],
    /// A `Location` without a fragment inherits the current URL's (RFC 9110 §10.2.2).
    pub(crate) inherit_fragment: bool,
    /// An empty query or fragment (`/x?`, `/x#`) is dropped from each URL a `Location`
    /// leads to and from the `;auto` `Referer` (see [`Rules::normalise`]).
    pub(crate) drop_empty_parts: bool,
    pub(crate) location_conflict: LocationConflict,
    pub(crate) streamed_body: StreamedBody,
    /// The headers that go with the body when it is dropped.
    pub(crate) dropped_with_body: Class,
    pub(crate) credentials: CredentialScope,
    /// Credentials are decided against the Location's URL before an HSTS upgrade (Fetch:
    /// the redirect step decides, main fetch upgrades after); otherwise against the URL
    /// the request goes to (curl: `Curl_auth_allowed_to_host` looks at the connection).
    pub(crate) credentials_before_hsts: bool,
    /// The default redirect limit.
    pub(crate) max_redirects: u32,
    /// The default for https -> http.
    pub(crate) allow_downgrade: bool,
    pub(crate) referer: RefererRule,
    /// A caller-set `Origin` becomes `null` once the chain is redirect-tainted (Fetch).
    pub(crate) origin_taint: bool,
    /// The default for Fetch's bad-port blocking.
    pub(crate) blocked_ports: bool,
    /// The default for learning HSTS hosts from the chain's own `https` responses.
    pub(crate) learn_hsts: bool,
    /// The default for refusing targets in a less public address space than the first URL.
    pub(crate) block_private_targets: bool,
}

use MethodRule::{PostToGet, SeeOther};
use NextMethod::{Get, Same};

const ANY: Methods = Methods::ANY;
const fn only(list: &[Method]) -> Methods {
    Methods::only(list)
}

/// Fetch, HTTP-redirect fetch step 12: POST on 301/302, and anything but GET/HEAD on
/// 303, become GET; DESIGN: 303 drops the body whatever the method.
const FETCH_REWRITES: &[Rewrite] = &[
    row(&[301, 302], only(&[Method::Post]), Get, PostToGet),
    row(&[303], only(&[Method::Head]), Same, SeeOther),
    row(&[303], ANY, Get, SeeOther),
];

/// For each status in `300..=315`, the union of the methods of the rows that name it.
const fn rewrite_index(rows: &[Rewrite]) -> [Methods; 16] {
    let mut index = [Methods(0); 16];
    let mut r = 0;
    while r < rows.len() {
        let mut i = 0;
        while i < 16 {
            if rows[r].statuses.0 & (1 << i) != 0 {
                index[i] = Methods(index[i].0 | rows[r].methods.0);
            }
            i += 1;
        }
        r += 1;
    }
    index
}

impl Rules {
    /// WHATWG Fetch, as browsers do it: 301, 302, 303, 307, 308 followed; POST -> GET on
    /// 301/302; everything but HEAD -> GET on 303; request-body headers dropped with the
    /// body; credentials removed for good on the first cross-origin request; fragment
    /// inherited; https -> http allowed; 20 redirects; `Referer` per the referrer policy
    /// (default `strict-origin-when-cross-origin`); a caller-set `Origin` becomes `null`
    /// once the chain is redirect-tainted; Fetch's bad ports blocked; HSTS hosts learned
    /// from the chain's `https` responses.
    pub const FETCH: Rules = Rules {
        name: "fetch",
        follow: Statuses::of(&[301, 302, 303, 307, 308]),
        methods: MethodModel::Table,
        rewrites: FETCH_REWRITES,
        rewrite_index: rewrite_index(FETCH_REWRITES),
        inherit_fragment: true,
        drop_empty_parts: false,
        location_conflict: LocationConflict::OnRedirect,
        streamed_body: StreamedBody::FailUnlessSeeOther,
        dropped_with_body: Class::BODY,
        credentials: CredentialScope::UntilRefused,
        credentials_before_hsts: true,
        max_redirects: 20,
        allow_downgrade: true,
        referer: RefererRule::Policy,
        origin_taint: true,
        blocked_ports: true,
        learn_hsts: true,
        block_private_targets: false,
    };

    /// [`Rules::FETCH`] plus: https -> http refused
    /// ([`Error::InsecureRedirect`](crate::Error::InsecureRedirect)), 10 redirects, and
    /// redirects into a less public address space than the first URL's refused
    /// ([`Error::PrivateTarget`](crate::Error::PrivateTarget)).
    pub const STRICT: Rules = Rules {
        name: "strict",
        max_redirects: 10,
        allow_downgrade: false,
        block_private_targets: true,
        ..Rules::FETCH
    };

    /// What `curl -L` does (curl 8.x, command-line defaults): every 3xx with a `Location`
    /// is followed, 50 redirects, no fragment inheritance, only the framing headers go with
    /// a dropped body, credentials are sent on every request to the origin they were set
    /// for, different `Location` fields fail on any status; `Referer` as curl's `--referer`
    /// (the caller's value on every request, or the previous URL with `;auto`); `Origin`
    /// forwarded as it is; every port followed; no HSTS learned (curl needs `--hsts`).
    pub const CURL: Rules = Rules {
        name: "curl",
        follow: Statuses::ALL_3XX,
        methods: MethodModel::Curl,
        rewrites: &[],
        rewrite_index: rewrite_index(&[]),
        inherit_fragment: false,
        drop_empty_parts: true,
        location_conflict: LocationConflict::OnAnyStatus,
        streamed_body: StreamedBody::FailWhenResent,
        dropped_with_body: Class::FRAMING,
        credentials: CredentialScope::EachRequest,
        credentials_before_hsts: false,
        // curl's command line sets CURLOPT_MAXREDIRS to 50 (src/tool_main.h).
        max_redirects: 50,
        allow_downgrade: true,
        referer: RefererRule::Curl,
        // curl forwards custom headers as they are, `Origin` included.
        origin_taint: false,
        // curl connects to any port a Location names.
        blocked_ports: false,
        // curl learns HSTS hosts only with `--hsts FILE`.
        learn_hsts: false,
        block_private_targets: false,
    };

    /// Every profile, by name.
    pub const ALL: &'static [&'static Rules] = &[&Rules::FETCH, &Rules::STRICT, &Rules::CURL];

    /// The profile with this name: `"fetch"`, `"strict"` or `"curl"` (the names the
    /// conformance vectors use).
    pub fn from_name(name: &str) -> Option<&'static Rules> {
        Rules::ALL.iter().copied().find(|r| r.name == name)
    }

    /// The profile's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Applies the profile's normalisation to a URL resolved from a `Location` and to the
    /// `;auto` `Referer`: under the `curl` rules an empty query and an empty fragment are
    /// dropped, as libcurl drops them. libcurl records that an empty `?` or `#` was
    /// present, but `curl_url_get` returns the part only when asked with `CURLU_GET_EMPTY`
    /// (lib/urlapi.c, `curl_url_get`, `CURLUPART_QUERY`: "there was a blank query and the
    /// user does not ask for it"; `urlget_url` writes the `?` and `#` only for non-empty
    /// parts). `Curl_follow` (lib/http.c) takes the URL it follows with flags 0, and the
    /// `;auto` referer is made the same way, so `Location: /x?` is followed to `/x` and
    /// the next `Referer` has no `?`. The first URL's request target keeps its empty query
    /// (lib/url.c reads the query with `CURLU_GET_EMPTY`, and lib/http.c `http_target`
    /// appends `?` and the query when there is one): the machine sends it as given. The
    /// WHATWG parser keeps both parts everywhere (`http://a.test/x?`), as browsers do.
    #[inline]
    pub(crate) fn normalise(&self, url: &mut Url) {
        if self.drop_empty_parts {
            if url.query() == Some("") {
                url.set_query(None);
            }
            if url.fragment() == Some("") {
                url.set_fragment(None);
            }
        }
    }

    /// Whether a response with `status` and a usable `Location` is followed.
    pub fn follows(&self, status: u16) -> bool {
        self.follow.contains(status)
    }

    /// The method of the request after a `status` redirect answering `method`, if the
    /// rules rewrite it (then the body is dropped too, even when the method stays, as for
    /// HEAD on 303); `None` when method and body are kept. The `curl` rules decide by how
    /// curl sent the request: this answers for the command line
    /// [`CurlRequest::assumed`] picks for `method` with a body, without `--post301`,
    /// `--post302` or `--post303` ([`PostRedirect::NONE`]).
    pub fn next_method(&self, status: u16, method: Method) -> Option<Method> {
        let curl = CurlRequest::assumed(method, true);
        self.rewrite(status, method, curl, PostRedirect::NONE)
            .map(|(m, _)| m)
    }

    /// The next method and the rule for `status` and `method` (sent as `curl` says, with
    /// `keep` as `CURLOPT_POSTREDIR`, under the curl rules), if the rules rewrite it.
    #[inline]
    pub(crate) fn rewrite(
        &self,
        status: u16,
        method: Method,
        curl: CurlRequest,
        keep: PostRedirect,
    ) -> Option<(Method, MethodRule)> {
        match self.methods {
            MethodModel::Table => self.table_rewrite(status, method),
            MethodModel::Curl => curl.follow(status, method, keep),
        }
    }

    /// The first rewrite row for `status` and `method`: the next method and the rule.
    #[inline]
    fn table_rewrite(&self, status: u16, method: Method) -> Option<(Method, MethodRule)> {
        // The method test is one AND: it goes first.
        let bit = Methods::bit(&method);
        let at = usize::from(status.wrapping_sub(300));
        if !self.rewrite_index.get(at)?.contains_bit(bit) {
            return None;
        }
        let row = self
            .rewrites
            .iter()
            .find(|r| r.methods.contains_bit(bit) && r.statuses.contains(status))?;
        let next = match row.to {
            Get => Method::Get,
            Same => method,
        };
        Some((next, row.rule))
    }

    /// Whether a rewrite of `method` to `next` (the body being `body`, sent as `curl`
    /// says) removes the request-body headers ([`Rules::dropped_with_body`]): when the
    /// method changes or a body was sent; under curl also when the request had a body
    /// source, even an empty one (`-d ''`: its `Content-Length: 0` describes a body the
    /// next request does not have).
    #[inline]
    pub(crate) fn drops_body_headers(
        &self,
        method: Method,
        next: Method,
        body: crate::Body,
        curl: CurlRequest,
    ) -> bool {
        let curl_source = self.methods == MethodModel::Curl && curl.body != CurlBody::None;
        next != method || body != crate::Body::None || curl_source
    }

    /// Whether a redirect's `Referrer-Policy` field sets the referrer policy (only where
    /// `Referer` follows the referrer policy).
    #[inline]
    pub(crate) fn reads_referrer_policy(&self) -> bool {
        self.referer == RefererRule::Policy
    }

    /// Whether a streamed body stops a `status` redirect, given whether a rewrite applies.
    pub(crate) fn streamed_body_fails(&self, status: u16, rewritten: bool) -> bool {
        match self.streamed_body {
            StreamedBody::FailUnlessSeeOther => status != 303,
            StreamedBody::FailWhenResent => !rewritten,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::vec::Vec;

    #[test]
    fn empty_query_and_fragment_dropped_under_curl_only() {
        // (URL, under curl, under fetch and strict)
        let cases = [
            ("http://a.test/x?", "http://a.test/x", "http://a.test/x?"),
            ("http://a.test/x#", "http://a.test/x", "http://a.test/x#"),
            ("http://a.test/x?#", "http://a.test/x", "http://a.test/x?#"),
            (
                "http://a.test/x?#f",
                "http://a.test/x#f",
                "http://a.test/x?#f",
            ),
            (
                "http://a.test/x?q#",
                "http://a.test/x?q",
                "http://a.test/x?q#",
            ),
            ("http://a.test/?", "http://a.test/", "http://a.test/?"),
            (
                "http://a.test/x?q#f",
                "http://a.test/x?q#f",
                "http://a.test/x?q#f",
            ),
            (
                "http://a.test/x??",
                "http://a.test/x??",
                "http://a.test/x??",
            ),
        ];
        let mut failed = Vec::new();
        for (raw, curl, fetch) in cases {
            for (rules, want) in [
                (&Rules::CURL, curl),
                (&Rules::FETCH, fetch),
                (&Rules::STRICT, fetch),
            ] {
                let mut url = Url::parse(raw).unwrap();
                rules.normalise(&mut url);
                if url.as_str() != want {
                    failed.push(format!("{} {raw}: {url}, want {want}", rules.name));
                }
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    #[test]
    fn rewrite_table() {
        use Method::*;
        let ext = Method::parse("PROPFIND").unwrap();
        // (status, method, fetch's next method and whether it drops the body, curl's for
        // the command line a user would type with a body: CurlRequest::assumed).
        let cases = [
            (301, Post, (Get, true), (Get, true)),
            (302, Post, (Get, true), (Get, true)),
            (301, Put, (Put, false), (Put, false)),
            (302, Delete, (Delete, false), (Delete, true)),
            (303, Post, (Get, true), (Get, true)),
            (303, Put, (Get, true), (Get, true)),
            (303, Get, (Get, true), (Get, false)),
            (303, Head, (Head, true), (Head, true)),
            (303, Delete, (Get, true), (Delete, true)),
            (303, ext, (Get, true), (ext, true)),
            (307, Post, (Post, false), (Post, false)),
            (308, Post, (Post, false), (Post, false)),
            (300, Post, (Post, false), (Post, false)),
            // Past the rows' 300..=315 (`next_method` takes any status).
            (315, Post, (Post, false), (Post, false)),
            (316, Post, (Post, false), (Post, false)),
            (399, Post, (Post, false), (Post, false)),
            (200, Post, (Post, false), (Post, false)),
            (0, Post, (Post, false), (Post, false)),
        ];
        let mut failed = Vec::new();
        for (status, method, fetch, curl) in cases {
            let f = Rules::FETCH.next_method(status, method);
            let c = Rules::CURL.next_method(status, method);
            let got = (
                (f.unwrap_or(method), f.is_some()),
                (c.unwrap_or(method), c.is_some()),
            );
            if got != (fetch, curl) {
                failed.push(format!("{status} {method}: {got:?}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    /// What libcurl did, one redirect after the first request (a table observed
    /// with libcurl 8.23 and explained by `Curl_http_follow` / `http_switch_to_get`):
    /// (method, body source, `-X`, [301/302, 303, 307/308] as (next method, body kept)).
    #[test]
    fn curl_request_kind_table() {
        use CurlBody::{Data, None as NoBody, Upload};
        use Method::*;
        let row = |m, body, forced, cells: [(Method, bool); 3]| (m, body, forced, cells);
        let cases = [
            row(Put, Data, true, [(Put, false), (Put, false), (Put, true)]),
            row(
                Delete,
                Data,
                true,
                [(Delete, false), (Delete, false), (Delete, true)],
            ),
            row(
                Patch,
                Data,
                true,
                [(Patch, false), (Patch, false), (Patch, true)],
            ),
            row(Put, Upload, false, [(Put, true), (Get, false), (Put, true)]),
            row(
                Patch,
                Upload,
                true,
                [(Patch, true), (Patch, false), (Patch, true)],
            ),
            row(Put, NoBody, true, [(Put, true), (Put, true), (Put, true)]),
            row(
                Post,
                NoBody,
                true,
                [(Post, true), (Post, true), (Post, true)],
            ),
            row(
                Post,
                Data,
                false,
                [(Get, false), (Get, false), (Post, true)],
            ),
            row(Get, NoBody, false, [(Get, true), (Get, true), (Get, true)]),
            row(
                Head,
                NoBody,
                false,
                [(Head, true), (Head, false), (Head, true)],
            ),
        ];
        let mut failed = Vec::new();
        for (method, body, forced_method, cells) in cases {
            let req = CurlRequest {
                body,
                forced_method,
            };
            for (statuses, want) in [[301, 302], [303, 303], [307, 308]].iter().zip(cells) {
                for &status in statuses {
                    let got = req
                        .follow(status, method, PostRedirect::NONE)
                        .map_or((method, true), |(m, _)| (m, false));
                    if got != want {
                        failed.push(format!(
                            "{method} {body:?} -X {forced_method} {status}: {got:?}"
                        ));
                    }
                }
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    /// curl's `--post301/302/303` (`CURLOPT_POSTREDIR`), one redirect after the first
    /// request, as `tests/vectors/curl-options.json` observed from curl 7.88.1 and libcurl
    /// 8.23.0: (method, body source, `-X`, the statuses kept, status, (next method, body
    /// kept)). Only the POST kind (`-d`) is affected, on a listed status only.
    #[test]
    fn curl_post_redirect_table() {
        use CurlBody::{Data, None as NoBody, Upload};
        use Method::*;
        let keep = |list: &[u16]| PostRedirect::of(list).unwrap();
        let all = PostRedirect::ALL;
        let none = PostRedirect::NONE;
        let cases = [
            // -d with the status listed: POST and body kept; unlisted: GET.
            (Post, Data, false, keep(&[301]), 301, (Post, true)),
            (Post, Data, false, keep(&[302]), 302, (Post, true)),
            (Post, Data, false, keep(&[303]), 303, (Post, true)),
            (Post, Data, false, all, 301, (Post, true)),
            (Post, Data, false, all, 302, (Post, true)),
            (Post, Data, false, all, 303, (Post, true)),
            (Post, Data, false, keep(&[301]), 302, (Get, false)),
            (Post, Data, false, keep(&[302]), 301, (Get, false)),
            (Post, Data, false, keep(&[302]), 303, (Get, false)),
            (Post, Data, false, keep(&[301, 302]), 303, (Get, false)),
            (Post, Data, false, keep(&[303]), 302, (Get, false)),
            (Post, Data, false, none, 303, (Get, false)),
            // 307 and 308 keep it anyway; other 3xx too.
            (Post, Data, false, all, 307, (Post, true)),
            (Post, Data, false, all, 308, (Post, true)),
            (Post, Data, false, all, 300, (Post, true)),
            // -X PUT -d: the POST kind whatever the name.
            (Put, Data, true, keep(&[301]), 301, (Put, true)),
            (Put, Data, true, keep(&[303]), 303, (Put, true)),
            (Put, Data, true, keep(&[301]), 302, (Put, false)),
            (Delete, Data, true, all, 303, (Delete, true)),
            // -T: not the POST kind; a 303 still makes it a GET.
            (Put, Upload, false, all, 301, (Put, true)),
            (Put, Upload, false, all, 302, (Put, true)),
            (Put, Upload, false, all, 303, (Get, false)),
            (Patch, Upload, true, all, 303, (Patch, false)),
            // -I stays HEAD, GET stays GET, -X POST without a body keeps its name.
            (Head, NoBody, false, all, 303, (Head, false)),
            (Head, NoBody, false, all, 301, (Head, true)),
            (Get, NoBody, false, all, 303, (Get, true)),
            (Post, NoBody, true, all, 303, (Post, true)),
        ];
        let mut failed = Vec::new();
        for (method, body, forced_method, keep, status, want) in cases {
            let req = CurlRequest {
                body,
                forced_method,
            };
            let got = req
                .follow(status, method, keep)
                .map_or((method, true), |(m, _)| (m, false));
            // The rules answer the same, and the fetch rules never look at the set.
            let rules = Rules::CURL
                .rewrite(status, method, req, keep)
                .map_or((method, true), |(m, _)| (m, false));
            let fetch = Rules::FETCH.rewrite(status, method, req, keep);
            if got != want
                || rules != want
                || fetch != Rules::FETCH.rewrite(status, method, req, PostRedirect::NONE)
            {
                failed.push(format!(
                    "{method} {body:?} -X {forced_method} {keep:?} {status}: {got:?}"
                ));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    /// The command line `CurlRequest::assumed` picks: (method, body given) -> (body
    /// source, `-X`).
    #[test]
    fn curl_assumed_table() {
        use CurlBody::{Data, None as NoBody, Upload};
        use Method::*;
        let ext = Method::parse("PROPFIND").unwrap();
        let cases = [
            (Get, false, (NoBody, false)),
            (Get, true, (NoBody, false)),
            (Head, false, (NoBody, false)),
            (Post, false, (Data, false)),
            (Post, true, (Data, false)),
            (Put, true, (Upload, false)),
            (Put, false, (NoBody, true)),
            (Delete, true, (Data, true)),
            (Delete, false, (NoBody, true)),
            (Patch, false, (NoBody, true)),
            (ext, true, (Data, true)),
            (ext, false, (NoBody, true)),
        ];
        let mut failed = Vec::new();
        for (method, has_body, want) in cases {
            let got = CurlRequest::assumed(method, has_body);
            if (got.body, got.forced_method) != want {
                failed.push(format!("{method} {has_body}: {got:?}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    /// `PostRedirect::of` takes 301, 302 and 303 only, never panics, and its bits are
    /// libcurl's `CURL_REDIR_POST_*`.
    #[test]
    fn post_redirect_set_table() {
        use crate::error::{Error, InvalidPolicy};
        let cases: [(&[u16], Result<u8, u16>); 10] = [
            (&[], Ok(0)),
            (&[301], Ok(1)),
            (&[302], Ok(2)),
            (&[303], Ok(4)),
            (&[303, 301, 303], Ok(5)),
            (&[301, 302, 303], Ok(7)),
            (&[300], Err(300)),
            (&[301, 307], Err(307)),
            (&[0], Err(0)),
            (&[u16::MAX], Err(u16::MAX)),
        ];
        let mut failed = Vec::new();
        for (list, want) in cases {
            let got = PostRedirect::of(list).map(PostRedirect::bits);
            let want = want.map_err(|status| {
                Error::InvalidPolicy(InvalidPolicy::PostRedirectStatus { status })
            });
            if got != want {
                failed.push(format!("{list:?}: {got:?}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
        for status in [0, 1, 300, 301, 302, 303, 304, 307, 308, 400, u16::MAX] {
            let listed = matches!(status, 301..=303);
            assert_eq!(PostRedirect::ALL.contains(status), listed, "{status}");
            assert!(!PostRedirect::NONE.contains(status), "{status}");
            assert_eq!(PostRedirect::NONE.with(status).is_ok(), listed, "{status}");
        }
        assert_eq!(PostRedirect::default(), PostRedirect::NONE);
    }

    #[test]
    fn redirect_status_table() {
        let mut failed = Vec::new();
        for status in [
            100, 200, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 399, 400,
        ] {
            let fetch = matches!(status, 301 | 302 | 303 | 307 | 308);
            let curl = (300..400).contains(&status);
            let got = (
                Rules::FETCH.follows(status),
                Rules::STRICT.follows(status),
                Rules::CURL.follows(status),
            );
            if got != (fetch, fetch, curl) {
                failed.push(format!("{status}: {got:?}"));
            }
        }
        assert!(failed.is_empty(), "rows failed: {failed:#?}");
    }

    #[test]
    fn names_are_unique_and_found() {
        for (i, r) in Rules::ALL.iter().enumerate() {
            assert_eq!(Rules::from_name(r.name()), Some(*r));
            assert!(Rules::ALL[..i].iter().all(|o| o.name != r.name));
        }
        assert_eq!(Rules::from_name("chrome"), None);
    }

    #[test]
    fn strict_is_fetch_with_other_values() {
        let s = &Rules::STRICT;
        assert_eq!((s.max_redirects, s.allow_downgrade), (10, false));
        assert_eq!(s.rewrites, Rules::FETCH.rewrites);
        assert_eq!(s.follow, Rules::FETCH.follow);
    }
}
