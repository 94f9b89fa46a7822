//! Printing a chain the way `curl -v` does: `>` for what is sent, `<` for what arrives,
//! `*` for what the client decided (here: what the redirect machine decided, and why).

use std::io::{self, Write};

use redirects::{
    AddressSpace, BodyLength, Method, MethodChange, MethodRule, Redirect, RemovalReason, Response,
    Url,
};

/// An owned copy of a response head, taken out of the machine's borrowed view.
#[derive(Debug, Clone)]
pub struct Head {
    /// The status code.
    pub status: u16,
    /// The reason phrase.
    pub reason: String,
    /// Every header field, in order.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The bytes the head used in the buffer (1xx heads included): the body starts there.
    pub head_len: usize,
    /// How the body is delimited.
    pub body_length: BodyLength,
    /// The head as received, for the trace.
    pub raw: Vec<u8>,
}

impl Head {
    /// Copies the head out of `response`.
    pub fn new(response: &Response<'_>, buf: &[u8]) -> Head {
        Head {
            status: response.status(),
            reason: response.reason().to_owned(),
            headers: response
                .headers()
                .map(|(n, v)| (n.to_owned(), v.to_vec()))
                .collect(),
            head_len: response.head_len(),
            body_length: response.body_length(),
            raw: buf[..response.head_len()].to_vec(),
        }
    }

    /// The first value of header `name`, as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }
}

/// A header the machine removed from the next request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// The name as the caller wrote it.
    pub name: String,
    /// Why.
    pub reason: RemovalReason,
    /// On which redirect (1-based).
    pub hop: u32,
    /// Removed on an earlier redirect (and still removed).
    pub earlier: bool,
}

/// Everything about one followed redirect, owned, for printing and for tests.
#[derive(Debug, Clone)]
pub struct HopReport {
    /// Which redirect of the chain (1-based).
    pub number: u32,
    /// The redirect status.
    pub status: u16,
    /// The URL that answered with it.
    pub from: Url,
    /// The `Location` value as received, as [`escape`] shows it.
    pub location: String,
    /// The next request's method.
    pub method: Method,
    /// The next request's URL.
    pub url: Url,
    /// Whether the body is sent again.
    pub send_body: bool,
    /// The method rewrite, if any.
    pub method_change: Option<MethodChange>,
    /// Whether the caller's body was dropped on this hop.
    pub body_dropped: bool,
    /// The header names the next request carries.
    pub kept: Vec<String>,
    /// The headers it does not carry, and why.
    pub removed: Vec<Removed>,
    /// Whether the machine allows the next request on the same connection.
    pub reuse: bool,
    /// Every `Set-Cookie` of the redirect (a real client stores them in its jar), as
    /// [`escape`] shows it.
    pub set_cookies: Vec<String>,
    /// When the policy blocks private targets: the next URL's host's address space and the
    /// chain's ([`Redirect::address_spaces`]).
    pub spaces: Option<(AddressSpace, AddressSpace)>,
}

impl HopReport {
    /// Copies what the machine decided on this redirect.
    pub fn new(hop: &Redirect<'_>) -> HopReport {
        let response = hop.response();
        let next = hop.request();
        // The server's bytes, escaped once here for the terminal.
        let text = escape;
        HopReport {
            number: hop.number(),
            status: response.status(),
            from: hop.from_url().clone(),
            location: response.header("Location").map(text).unwrap_or_default(),
            method: next.method(),
            url: next.url().clone(),
            send_body: next.sends_body(),
            method_change: hop.method_change(),
            body_dropped: hop.body_dropped(),
            kept: next.headers().map(|(n, _)| n.to_owned()).collect(),
            removed: hop
                .removed_headers()
                .map(|r| Removed {
                    name: r.name.to_owned(),
                    reason: r.reason,
                    hop: r.redirect,
                    earlier: r.earlier,
                })
                .collect(),
            reuse: hop.can_reuse_connection(),
            set_cookies: response.headers_named("Set-Cookie").map(text).collect(),
            spaces: hop.address_spaces(),
        }
    }
}

/// Prints raw head bytes, one line at a time, after `prefix` (`"> "` or `"< "`); the empty
/// line that ends a head is printed too. Every line goes through [`escape`]: a server's
/// bytes never reach the terminal raw.
pub fn head_lines(out: &mut dyn Write, prefix: &str, raw: &[u8]) -> io::Result<()> {
    for line in raw.split_inclusive(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\n").unwrap_or(line);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        writeln!(out, "{prefix}{}", escape(line))?;
    }
    Ok(())
}

/// Bytes from a server as text a terminal shows and does not obey: control characters
/// (C0 but HTAB, DEL, C1 such as U+009B, the 8-bit CSI) as `\x1b` or `\u{9b}`, bidi
/// overrides, embeddings, isolates and marks (U+202E ...) as `\u{202e}`, bytes that are
/// not UTF-8 as `\xff`, and a backslash as `\\` so that the escapes are unambiguous.
pub fn escape(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            let _ = match c {
                '\t' => write!(out, "{c}"),
                '\\' => write!(out, "\\\\"),
                c if c.is_ascii_control() => write!(out, "\\x{:02x}", u32::from(c)),
                c if c.is_control() || is_bidi(c) => write!(out, "\\u{{{:x}}}", u32::from(c)),
                c => write!(out, "{c}"),
            };
        }
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
    out
}

/// Characters that reorder the text around them (Unicode bidi controls and marks).
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Most request body bytes the trace shows.
pub const MAX_BODY_SHOWN: usize = 2048;

/// Prints a request body after its head: the bytes as sent (`> ` lines) when they are
/// text, else their size. A `replay` is the body the first request sent, sent again: it is
/// said so, not shown twice.
pub fn request_body(out: &mut dyn Write, body: &[u8], replay: bool) -> io::Result<()> {
    let n = body.len();
    if replay {
        return writeln!(
            out,
            "* body: {n} bytes, a replay of the first request's body (same bytes, not shown again)"
        );
    }
    let shown = &body[..n.min(MAX_BODY_SHOWN)];
    let text = match std::str::from_utf8(shown) {
        Ok(text) => Some(text),
        // The cut fell inside a character: show up to it.
        Err(e) if e.error_len().is_none() && shown.len() < n => {
            std::str::from_utf8(&shown[..e.valid_up_to()]).ok()
        }
        Err(_) => None,
    };
    let text = text.filter(|t| {
        !t.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    });
    let Some(text) = text else {
        return writeln!(out, "* body: {n} bytes, not text (not shown)");
    };
    for line in text.split_inclusive('\n') {
        writeln!(out, "> {}", line.trim_end_matches(['\r', '\n']))?;
    }
    if text.len() < n {
        writeln!(out, "* body: {n} bytes, the first {} shown", text.len())?;
    }
    Ok(())
}

fn rule_text(change: &MethodChange) -> &'static str {
    match change.rule {
        MethodRule::PostToGet => "a 301/302 answering POST turns it into GET",
        MethodRule::SeeOther => "303 See Other means GET",
        _ => "method rule",
    }
}

fn reason_text(reason: RemovalReason) -> &'static str {
    match reason {
        RemovalReason::BodyDropped => "request body dropped",
        RemovalReason::CrossOrigin => "credential, not sent to another origin",
        _ => "removed",
    }
}

/// Prints what the machine decided on a redirect.
pub fn hop(out: &mut dyn Write, hop: &HopReport) -> io::Result<()> {
    writeln!(
        out,
        "* Redirect #{}: {} from {}",
        hop.number, hop.status, hop.from
    )?;
    writeln!(out, "*   Location: {} -> {}", hop.location, hop.url)?;
    match &hop.method_change {
        Some(change) => writeln!(
            out,
            "*   method: {} -> {} ({}){}",
            change.from,
            change.to,
            rule_text(change),
            if hop.body_dropped {
                ", body dropped"
            } else {
                ""
            }
        )?,
        None => writeln!(
            out,
            "*   method: {} kept{}",
            hop.method,
            if hop.send_body {
                ", body sent again"
            } else {
                ""
            }
        )?,
    }
    if !hop.kept.is_empty() {
        writeln!(out, "*   headers kept: {}", hop.kept.join(", "))?;
    }
    for r in &hop.removed {
        let when = if r.earlier {
            format!(", since redirect #{}", r.hop)
        } else {
            String::new()
        };
        writeln!(
            out,
            "*   header dropped: {} ({}{when})",
            r.name,
            reason_text(r.reason)
        )?;
    }
    if let Some((target, chain)) = hop.spaces {
        writeln!(
            out,
            "*   address space: {} is {target} by its URL, the chain started in {chain}: not \
             less public, followed (its addresses are checked before connecting)",
            hop.url.host_str().unwrap_or("")
        )?;
    }
    for cookie in &hop.set_cookies {
        writeln!(
            out,
            "*   Set-Cookie: {cookie} (a cookie jar would store it)"
        )?;
    }
    Ok(())
}

/// How a body was delimited, in words.
pub fn framing(length: BodyLength) -> String {
    match length {
        BodyLength::None => "no body".into(),
        BodyLength::Length(n) => format!("Content-Length: {n}"),
        BodyLength::Chunked => "chunked".into(),
        BodyLength::UntilClose => "until the server closes".into(),
        BodyLength::EndOfStream => "until the stream ends".into(),
    }
}

/// After a redirect: what was drained and whether connection `id` goes on (`kept`), or
/// that it is closed without reading the body (`drained` is `None`).
pub fn after_redirect(
    out: &mut dyn Write,
    id: usize,
    drained: Option<(usize, BodyLength)>,
    kept: bool,
) -> io::Result<()> {
    match drained {
        Some((bytes, length)) => {
            writeln!(out, "*   drained {bytes} body bytes ({})", framing(length))?;
            if kept {
                writeln!(out, "*   same origin, keep-alive: connection #{id} reused")
            } else {
                writeln!(out, "*   connection #{id} closed by the server")
            }
        }
        // Closing the connection discards the body: no need to read it.
        None => writeln!(
            out,
            "*   connection #{id} closed, the next request needs a new one"
        ),
    }
}

/// The last line of a chain.
pub fn final_line(
    out: &mut dyn Write,
    head: &Head,
    url: &Url,
    hops: usize,
    body: usize,
) -> io::Result<()> {
    writeln!(
        out,
        "* Final: {} {} at {url} after {hops} redirect(s), {body} body bytes ({})",
        head.status,
        escape(head.reason.as_bytes()),
        framing(head.body_length)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(body: &[u8], replay: bool) -> String {
        let mut out = Vec::new();
        request_body(&mut out, body, replay).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn request_bodies_in_the_trace() {
        assert_eq!(shown(b"a=1\nb=2", false), "> a=1\n> b=2\n");
        assert_eq!(
            shown(b"a=1", true),
            "* body: 3 bytes, a replay of the first request's body (same bytes, not shown again)\n"
        );
        assert_eq!(
            shown(b"\x00\x01", false),
            "* body: 2 bytes, not text (not shown)\n"
        );
        let long = "x".repeat(MAX_BODY_SHOWN + 1);
        let text = shown(long.as_bytes(), false);
        assert!(text.ends_with(&format!(
            "\n* body: {} bytes, the first {MAX_BODY_SHOWN} shown\n",
            MAX_BODY_SHOWN + 1
        )));
        // A cut inside a character shows the text before it.
        let long = format!("{}é", "x".repeat(MAX_BODY_SHOWN - 1));
        let text = shown(long.as_bytes(), false);
        assert!(text.ends_with(&format!(
            "\n* body: {} bytes, the first {} shown\n",
            MAX_BODY_SHOWN + 1,
            MAX_BODY_SHOWN - 1
        )));
    }
}
